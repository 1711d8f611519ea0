/**
 * Why CoreDNS pods are not running, read from their status (waiting reason, restarts, last termination)
 * and their logs (the line CoreDNS writes before it exits). Shared by coredns-crash-loop, which explains
 * it, and no-ready-dns-endpoints, which reports what it does to the Service.
 */
import type { CorednsPod, PodLogsEvidence } from '../../core/model/index.js';
import { evidenceOfKind } from '../../core/model/index.js';
import { findLoopDetected, findStartupError, type LoopDetected, type StartupError } from '../../core/corefile/startup-errors.js';
import type { Facts } from './facts.js';

/** One CoreDNS pod that crash-loops or was killed, with what its status and log say. */
export interface CorednsExit {
  pod: CorednsPod;
  cause: 'loop-detected' | 'corefile-refused' | 'oom-killed' | 'other';
  loop?: LoopDetected;
  startup?: StartupError;
  /** The log evidence the cause was read from (or the last lines, for `other`). */
  logs: PodLogsEvidence[];
  /** "CrashLoopBackOff, 7 restarts, last exit OOMKilled (137)" */
  state: string;
}

/** True when the pod is down or has been going down: waiting to restart, or killed before. */
function unwell(p: CorednsPod): boolean {
  return p.waitingReason === 'CrashLoopBackOff' || p.waitingReason === 'Error' || (p.lastTermination !== undefined && p.restarts > 0 && (!p.ready || p.lastTermination.reason === 'OOMKilled'));
}

export function stateText(p: CorednsPod): string {
  const last = p.lastTermination;
  return [p.waitingReason, `${p.restarts} restart${p.restarts === 1 ? '' : 's'}`, last ? `last exit ${last.reason ?? 'unknown'}${last.exitCode !== undefined ? ` (exit code ${last.exitCode})` : ''}` : undefined, p.ready ? 'ready' : 'not ready']
    .filter(Boolean)
    .join(', ');
}

/** Every CoreDNS pod that crash-loops (or was OOM-killed), with its cause. */
export function corednsExits(f: Facts): CorednsExit[] {
  const logs = evidenceOfKind(f.evidence, 'pod-logs');
  const out: CorednsExit[] = [];
  for (const pod of f.corednsPods) {
    if (!unwell(pod)) continue;
    const mine = logs.filter((l) => l.pod === pod.name && l.namespace === pod.namespace).sort((a, b) => Number(b.previous) - Number(a.previous));
    const withLoop = mine.find((l) => findLoopDetected(l.text));
    const withStartup = mine.find((l) => findStartupError(l.text));
    const base = { pod, state: stateText(pod) };
    if (withLoop) out.push({ ...base, cause: 'loop-detected', loop: findLoopDetected(withLoop.text)!, logs: [withLoop] });
    else if (withStartup) out.push({ ...base, cause: 'corefile-refused', startup: findStartupError(withStartup.text)!, logs: [withStartup] });
    else if (pod.lastTermination?.reason === 'OOMKilled' || pod.lastTermination?.exitCode === 137) out.push({ ...base, cause: 'oom-killed', logs: mine });
    else out.push({ ...base, cause: 'other', logs: mine });
  }
  return out;
}
