/** Builds findings the same way in every check: title and severity from the message id, docs link, fingerprint. */
import type { Finding, Fix, Severity } from '../../core/model/index.js';
import { docsUrlFor, type CheckMeta } from '../define-check.js';
import { fingerprint } from '../fingerprint.js';

/** The parts of a finding a check decides; the rest comes from its meta. */
export interface FindingParts {
  explanation: string;
  /** At most three short sentences with the decisive numbers (Finding.cause). */
  cause?: string;
  evidenceRefs: string[];
  fixes?: Fix[];
  /** 0..1: how directly the evidence shows the failure. */
  confidence: number;
  /** Values that prove the finding (addresses, rcodes, node names): hashed into the fingerprint. */
  decisive: unknown;
  /** Overrides the message's severity (e.g. a check that reports info when nothing hurts). */
  severity?: Severity;
  /** Overrides the message text as the title. */
  title?: string;
  sensitive?: string[];
  /** The pod's own view was not tested: the report's verdict becomes inconclusive. */
  untested?: true;
}

/** A finding of check `id` with message `messageId` (declared in the check's meta). */
export function makeFinding(id: string, meta: CheckMeta, messageId: string, parts: FindingParts): Finding {
  const msg = meta.messages[messageId];
  if (!msg) throw new Error(`check ${id} reports undeclared message id "${messageId}"`);
  return {
    checkId: id,
    messageId,
    severity: parts.severity ?? msg.severity,
    title: parts.title ?? msg.text,
    explanation: parts.explanation,
    ...(parts.cause ? { cause: parts.cause } : {}),
    evidenceRefs: [...new Set(parts.evidenceRefs)],
    fixes: parts.fixes ?? [],
    docsUrl: docsUrlFor(id),
    ...(meta.references && meta.references.length > 0 ? { references: meta.references } : {}),
    fingerprint: fingerprint(id, { messageId, decisive: parts.decisive }),
    confidence: Math.max(0, Math.min(1, parts.confidence)),
    ...(parts.sensitive && parts.sensitive.length > 0 ? { sensitive: parts.sensitive } : {}),
    ...(parts.untested ? { untested: true as const } : {}),
  };
}
