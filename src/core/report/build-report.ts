/**
 * buildReport: findings + evidence → the Report an on-call engineer reads. The verdict is "broken" iff
 * any finding is at warn or error, "inconclusive" when otherwise a finding says the pod's own view was
 * not tested; the summary is one plain line naming the root cause (the first
 * finding after ordering) or saying the name resolves fine.
 */
import type { CheckInput, Finding, Report, Verdict } from '../model/index.js';
import { healthyCheckId, sortFindings } from '../model/index.js';
import { resolutionPath } from './resolution-path.js';
import { twinPlacementNote } from './twin-placement.js';

/** What the caller knows about the run itself. */
export interface ReportMeta {
  startedAt: string;
  durationMs: number;
  cluster?: string;
  apiRequests?: number;
  /** How the pod was picked ("deploy/mos-model"), when not given as ns/pod. */
  resolvedFrom?: string;
  /** Checks that could not judge (threw, or lacked evidence), in plain words (a twin that ran outside the pod's namespace adds its own). */
  notes?: string[];
}

/**
 * Builds the report.
 * @param input - the pod, the name and the evidence (what the checks judged)
 * @param findings - what the checks found (any order)
 * @param meta - timing and provenance of the run
 */
export function buildReport(input: CheckInput, findings: Finding[], meta: ReportMeta): Report {
  const pod = input.target.pod;
  const name = input.target.name.replace(/\.$/, '');
  const list = sortFindings(findings);
  const bad = list.filter((f) => f.severity !== 'info');
  const untested = list.find((f) => f.untested);
  const verdict: Verdict = bad.length > 0 ? 'broken' : untested ? 'inconclusive' : 'healthy';
  const who = `${pod.namespace}/${pod.name}`;
  const placement = twinPlacementNote(pod, input.evidence);
  const notes = [...(placement ? [placement] : []), ...(meta.notes ?? [])];
  let summary: string;
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (+${bad.length - 1} more finding${bad.length > 2 ? 's' : ''})` : '';
    summary = `${name} is broken from ${who}: ${bad[0]!.title}${more}`;
  } else if (untested) {
    summary = `${name} from ${who}: ${untested.title}`;
  } else {
    const healthy = list.find((f) => f.checkId === healthyCheckId);
    summary = healthy?.title ?? `${name} from ${who}: no DNS problem found`;
  }
  return {
    pod: { namespace: pod.namespace, name: pod.name, node: pod.node, ip: pod.ip, ...(pod.zone ? { zone: pod.zone } : {}), ...(meta.resolvedFrom ? { resolvedFrom: meta.resolvedFrom } : {}) },
    name,
    ...(input.target.port !== undefined ? { port: input.target.port } : {}),
    ...(meta.cluster ? { cluster: meta.cluster } : {}),
    verdict,
    summary,
    findings: list,
    path: resolutionPath(pod, name, input.evidence, input.target.port),
    evidence: input.evidence,
    startedAt: meta.startedAt,
    durationMs: meta.durationMs,
    ...(notes.length > 0 ? { notes } : {}),
    ...(meta.apiRequests !== undefined ? { apiRequests: meta.apiRequests } : {}),
  };
}
