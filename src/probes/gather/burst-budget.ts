/**
 * Fitting the twin probe's burst into the deep-probe deadline. A burst query that is never
 * answered waits libc's per-try timeout × attempts (scaled down by the probe, 0.1 by default);
 * `count / concurrency` rounds of that must end before gatherEvidence deletes the probe pod,
 * otherwise every piece of twin evidence is lost with it (the probe prints its JSON at the end).
 */
import { parseResolvConf } from '../../core/resolver/resolv-conf.js';

/** What the probe does before its burst, worst case: pod start, the lookup, direct queries (ms). */
export const burstReserveMs = 6000;
/** The probe's default shrink of libc timeouts (PodProbeSpec.timeoutScale). */
export const probeTimeoutScale = 0.1;

/**
 * The burst to ask for: as given when its worst case fits `deadlineMs - burstReserveMs`, else the
 * same concurrency with fewer rounds (at least one). `resolvConf` is the pod's (its timeout/attempts).
 */
export function fitBurst(burst: { count: number; concurrency: number }, resolvConf: string | undefined, deadlineMs: number): { count: number; concurrency: number } {
  if (burst.count <= 0) return burst;
  const opts = parseResolvConf(resolvConf ?? '').options;
  const worstPerQueryMs = Math.max(1, opts.timeout * 1000 * probeTimeoutScale * opts.attempts);
  const rounds = Math.ceil(burst.count / burst.concurrency);
  const maxRounds = Math.max(1, Math.floor((deadlineMs - burstReserveMs) / worstPerQueryMs));
  if (rounds <= maxRounds) return burst;
  return { count: Math.min(burst.count, maxRounds * burst.concurrency), concurrency: burst.concurrency };
}
