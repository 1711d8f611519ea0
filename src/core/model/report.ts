/** The report: the pod, the name, the path the lookup took, findings ordered, and a one-line verdict. */
import type { Evidence } from './evidence.js';
import type { Finding } from './finding.js';

/** One hop of the resolution path, as the pod's lookup took it. */
export interface PathHop {
  /** "pod resolv.conf", "search list", "DNS Service 10.96.0.10", "coredns-5svcg (dev-worker)", "upstream 192.168.1.2", "TCP 10.118.163.249:80". */
  step: string;
  detail: string;
  ok: boolean;
  ms?: number;
  evidenceRefs: string[];
}

/**
 * broken: a check found a problem (warn or error). healthy: the name resolves from where the pod is.
 * inconclusive: nothing is wrong in what could be gathered, but the pod's own view could not be tested
 * (probe pods and exec refused, for example), so the report does not claim health it cannot show.
 */
export const verdicts = ['broken', 'healthy', 'inconclusive'] as const;
export type Verdict = (typeof verdicts)[number];

/** How each verdict reads, one word (renderers share it so the CLI, Markdown and Slack agree). */
export const verdictWord: Record<Verdict, string> = { broken: 'Broken', healthy: 'Healthy', inconclusive: 'Inconclusive' };

export interface Report {
  /** The pod actually diagnosed (after resolving deploy/name or a prefix). */
  pod: { namespace: string; name: string; node?: string; ip?: string; zone?: string; resolvedFrom?: string };
  name: string;
  port?: number;
  cluster?: string;
  verdict: Verdict;
  /** One line an on-call engineer reads first. */
  summary: string;
  findings: Finding[];
  path: PathHop[];
  evidence: Evidence[];
  startedAt: string;
  durationMs: number;
  /** Checks that could not judge: one threw, or lacked the evidence it needs (neither stops the others), in plain words. */
  notes?: string[];
  /** Number of Kubernetes API requests made while gathering evidence. */
  apiRequests?: number;
  /** Set by a worker that may not change its cluster (diagnose-only): why its fixes are shown but not applied. */
  applyDisabled?: string;
}
