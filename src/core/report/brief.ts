/**
 * The brief of a report: what a tired person reads first, in the order every renderer (Slack, the
 * CLI's text, Markdown) shows it. The verdict; per cause, the cause in at most three short
 * sentences and one recommended fix (fix-choice.ts) with the alternatives behind it; findings below
 * warn or of low confidence folded into one "also noticed" line; what could not be probed. Works for
 * any check: a finding without a short `cause` gets its explanation shortened. Pure.
 */
import type { Finding, Report } from '../model/index.js';
import { evidenceOfKind, healthyCheckId } from '../model/index.js';
import { chooseFix, type FixChoice } from './fix-choice.js';

/** Below this confidence a warn or error finding is "also noticed", not a cause. */
export const causeConfidence = 0.5;

export interface CauseBrief extends FixChoice {
  /** Index of the finding in report.findings (proposal ids are built from it). */
  index: number;
  finding: Finding;
  /** At most three short sentences. */
  cause: string;
}

export interface ReportBrief {
  verdict: Report['verdict'];
  /** One line: what is wrong (or that the name resolves), for the parent message and the top line. */
  headline: string;
  causes: CauseBrief[];
  /** Findings that are not causes (info, low confidence), besides the healthy finding. */
  alsoNoticed: { index: number; finding: Finding }[];
  /** The healthy check's finding when nothing is wrong: that the name resolves, or (inconclusive) what was not tested. */
  healthy?: Finding;
  /** What could not be probed (probe errors in the evidence), one short item each. */
  notProbed: string[];
  /** Checks that threw or lacked evidence (report.notes): what the report could not judge. */
  notes: string[];
}

const maxCauseChars = 420;

/** The sentences of a text (split after . ! ? followed by a space and a capital or a digit-free opener). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z(/])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Cuts a sentence at a word boundary with an ellipsis. */
function cutWords(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const at = cut.lastIndexOf(' ');
  return `${(at > max / 2 ? cut.slice(0, at) : cut).replace(/[,;:]$/, '')}…`;
}

/** The cause of a finding: its own short form, else the first sentences of the explanation (at most 3). */
export function causeText(f: Finding): string {
  const source = f.cause ?? f.explanation;
  const all = sentences(source);
  const out: string[] = [];
  let size = 0;
  for (const s of all.slice(0, 3)) {
    if (out.length > 0 && size + s.length + 1 > maxCauseChars) break;
    out.push(s);
    size += s.length + 1;
  }
  if (out.length === 0) return cutWords(source, maxCauseChars);
  return cutWords(out.join(' '), maxCauseChars);
}

/** One short line per thing that could not be probed (the probe errors in the evidence). */
export function notProbedItems(report: Report): string[] {
  return [...new Set(evidenceOfKind(report.evidence, 'probe-error').map((e) => `${e.what} (${e.reason})`))];
}

/** Builds the brief of a report. */
export function briefOf(report: Report): ReportBrief {
  const indexed = report.findings.map((finding, index) => ({ finding, index }));
  const healthy = report.verdict === 'broken' ? undefined : (report.findings.find((f) => f.untested) ?? report.findings.find((f) => f.checkId === healthyCheckId));
  let causes = indexed.filter(({ finding: f }) => f.severity !== 'info' && f.confidence >= causeConfidence);
  // A broken verdict always names a cause, even when every warn finding is of low confidence.
  if (causes.length === 0 && report.verdict === 'broken') causes = indexed.filter(({ finding: f }) => f.severity !== 'info').slice(0, 1);
  const causeSet = new Set(causes.map((c) => c.index));
  const alsoNoticed = indexed.filter(({ finding, index }) => !causeSet.has(index) && finding !== healthy);
  const who = `${report.pod.namespace}/${report.pod.name}`;
  const target = `${report.name}${report.port ? `:${report.port}` : ''}`;
  const headline =
    causes.length > 0
      ? `${target} from ${who}: ${causes[0]!.finding.title}${causes.length > 1 ? ` (+${causes.length - 1} more cause${causes.length > 2 ? 's' : ''})` : ''}`
      : healthy
        ? report.verdict === 'inconclusive'
          ? `${target} from ${who}: ${healthy.title}`
          : healthy.title
        : `${target} from ${who}: no DNS problem found`;
  return {
    verdict: report.verdict,
    headline,
    causes: causes.map(({ finding, index }) => ({ index, finding, cause: causeText(finding), ...chooseFix(finding.fixes) })),
    alsoNoticed,
    ...(healthy ? { healthy } : {}),
    notProbed: notProbedItems(report),
    notes: report.notes ?? [],
  };
}

/** "also noticed" as one line: each finding's title with its severity and confidence. */
export function alsoNoticedLine(brief: ReportBrief): string | undefined {
  if (brief.alsoNoticed.length === 0) return undefined;
  return brief.alsoNoticed.map(({ finding: f }) => `${f.title.replace(/\.$/, '')} (${f.severity}, ${Math.round(f.confidence * 100)}%)`).join('; ');
}
