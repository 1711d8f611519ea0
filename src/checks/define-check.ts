/**
 * How a check declares itself: one `defineCheck({ id, meta, run })` call per folder, the way a
 * typescript-eslint rule is one `createRule` call. `run` is pure and synchronous: it
 * judges evidence that probes already gathered and never fetches anything.
 */
import type { CheckInput, DocLink, Finding, Severity } from '../core/model/index.js';

/** What every check receives (declared in the core model: the report is built from the same input). */
export type { CheckInput } from '../core/model/index.js';

/** Static description of a check. */
export interface CheckMeta {
  /** One line, shown as the finding title when a message has none of its own. */
  title: string;
  /** The highest severity this check ever reports (its findings may be lower). */
  severity: Severity;
  /** Where the check's README lives (a path in the repository; renderers make it a URL). */
  docsUrl: string;
  /** The CoreDNS and Kubernetes documentation the check's reasoning relies on. */
  references?: DocLink[];
  /** Stable message ids the check reports, with the severity each carries (README "Findings"). */
  messages: Record<string, { severity: Severity; text: string }>;
  /** When true the check only runs after all others, and only when none of them reported at warn or error. */
  onlyWhenNothingElse?: boolean;
}

/** A check: a stable id (= folder name), its meta, and the pure judgment. */
export interface Check {
  id: string;
  meta: CheckMeta;
  run(input: CheckInput): Finding[];
}

/** Where check READMEs are found, relative to the repository root. */
export function docsUrlFor(id: string, section?: string): string {
  return `src/checks/${id}/README.md${section ? `#${section}` : ''}`;
}

/**
 * Declares a check. Validates the id and meta at load time so a typo fails the meta test instead
 * of producing findings with a wrong id.
 */
export function defineCheck(check: Check): Check {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(check.id)) throw new Error(`check id "${check.id}" is not kebab-case`);
  if (Object.keys(check.meta.messages).length === 0) throw new Error(`check ${check.id} declares no message ids`);
  return Object.freeze(check);
}
