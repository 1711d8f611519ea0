/** What one diagnosis is about: the target as a person asks for it, and what the checks and the report work from. */
import type { Evidence } from './evidence.js';
import type { PodFacts } from './k8s.js';

/**
 * What to diagnose, as typed: a pod argument, the name it cannot resolve, optionally the TCP port
 * the application uses. Plain JSON: job payloads and stored proposals carry it as it is.
 */
export interface DiagnosisTarget {
  /** `ns/pod`, `pod` (with namespace), `deploy/name`, or a unique prefix. */
  pod: string;
  namespace?: string;
  /** The DNS name, without the port. */
  name: string;
  port?: number;
}

/** The pod that was resolved, the name and port being diagnosed, and all evidence gathered for them: what every check judges and the report is built from. */
export interface CheckInput {
  target: { pod: PodFacts; name: string; port?: number };
  evidence: Evidence[];
}
