/**
 * The error a scenario file with mistakes produces. Every problem names the file, the path inside
 * it (`pods[2].node`), the line when it can be found, and what was expected (docs/lab-scenario.md).
 */
import { DnswhyError } from '../../core/errors.js';

/** One mistake in a scenario file. */
export interface ScenarioProblem {
  /** Path inside the document, e.g. `pods[2].node`; empty for the whole document. */
  path: string;
  /** What is wrong and what was expected. */
  message: string;
  /** 1-based line of the offending value, when the YAML source locates it. */
  line?: number;
}

/** Thrown by `parseScenario` / `loadScenarioFile` with every problem found (not only the first). */
export class ScenarioError extends DnswhyError {
  override readonly code = 'scenario-invalid';
  override readonly permanent = true;
  constructor(
    readonly file: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
  }

  /** Path of the first problem (convenience for callers that show one). */
  get path(): string {
    return this.problems[0]?.path ?? '';
  }

  /** Message of the first problem, which says what was expected. */
  get expected(): string {
    return this.problems[0]?.message ?? '';
  }
}

/** `file:line: path: message`, leaving out the parts that are unknown. */
export function formatProblem(file: string, p: ScenarioProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}` : file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Renders a zod-style path (`['pods', 2, 'node']`) as `pods[2].node`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
