/**
 * JSON: the shape docs/lab-scenario.md promises — `{"verdict","findings":[{"checkId","severity","title",
 * "explanation","fixes":[{"kind",...}]}],"path":[...]}` — plus summary, pod, name, timing, notes and,
 * unless left out, the evidence.
 */
import type { Report } from '../model/index.js';
import { docsUrl } from './docs-links.js';

/** Options of the JSON renderer. */
export interface JsonOptions {
  /** Include the evidence items (default true). */
  evidence?: boolean;
  /** Pretty-print with two spaces (default true). */
  pretty?: boolean;
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
}

/** The JSON object (before stringification). */
export function reportJson(report: Report, opts: JsonOptions = {}): Record<string, unknown> {
  return {
    verdict: report.verdict,
    summary: report.summary,
    name: report.name,
    ...(report.port !== undefined ? { port: report.port } : {}),
    pod: report.pod,
    ...(report.cluster ? { cluster: report.cluster } : {}),
    findings: report.findings.map((f) => ({
      checkId: f.checkId,
      ...(f.messageId ? { messageId: f.messageId } : {}),
      severity: f.severity,
      title: f.title,
      explanation: f.explanation,
      ...(f.cause ? { cause: f.cause } : {}),
      fixes: f.fixes,
      evidenceRefs: f.evidenceRefs,
      confidence: f.confidence,
      fingerprint: f.fingerprint,
      docsUrl: f.docsUrl,
      docsLink: docsUrl(f.docsUrl, opts.docsBaseUrl),
      ...(f.references ? { references: f.references } : {}),
      ...(f.sensitive ? { sensitive: f.sensitive } : {}),
    })),
    path: report.path,
    ...(report.notes ? { notes: report.notes } : {}),
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    ...(report.apiRequests !== undefined ? { apiRequests: report.apiRequests } : {}),
    ...(opts.evidence === false ? {} : { evidence: report.evidence }),
  };
}

/** Renders a report as JSON text. */
export function renderJson(report: Report, opts: JsonOptions = {}): string {
  return JSON.stringify(reportJson(report, opts), null, opts.pretty === false ? undefined : 2) + '\n';
}
