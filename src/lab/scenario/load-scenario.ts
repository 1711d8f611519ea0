/**
 * Reads a scenario file (docs/lab-scenario.md): YAML → strict schema → cross-references. Every problem
 * is reported with the file, the path, the line and what was expected, all at once.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { closestName } from './closest-name.js';
import { crossCheck } from './cross-check.js';
import { firstDuplicateKey } from './json-duplicate-keys.js';
import { formatPath, ScenarioError, type ScenarioProblem } from './scenario-error.js';
import { scenarioSchema, type Scenario } from './schema.js';

export type { Scenario } from './schema.js';
export { ScenarioError } from './scenario-error.js';

/** A parsed scenario and the warnings (things that are legal but probably unintended). */
export interface ParsedScenario {
  scenario: Scenario;
  warnings: string[];
}

/** Parses scenario text; throws ScenarioError naming `file` for every problem. */
export function parseScenario(text: string, file: string): Scenario {
  return parseScenarioDetailed(text, file).scenario;
}

/** Reads and parses a scenario file; throws ScenarioError (also when the file cannot be read). */
export function loadScenarioFile(path: string): Scenario {
  return loadScenarioFileDetailed(path).scenario;
}

export function loadScenarioFileDetailed(path: string): ParsedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, [{ path: '', message: code === 'ENOENT' ? 'file not found; expected a scenario YAML file' : `cannot read the file (${code ?? (e as Error).message})` }]);
  }
  return parseScenarioDetailed(text, path);
}

/** Like parseScenario, also returning warnings. */
export function parseScenarioDetailed(text: string, file: string): ParsedScenario {
  return parseJsonFast(text, file) ?? parseYaml(text, file);
}

/**
 * A JSON scenario (what `dnswhy lab generate -o FILE.json` writes; JSON is YAML too) is read with
 * JSON.parse, many times faster than the YAML parser on a 30,000-pod file. Only a valid one is
 * taken this way: anything wrong goes through the YAML path, which names the line of each problem.
 */
function parseJsonFast(text: string, file: string): ParsedScenario | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const repeated = firstDuplicateKey(text);
  if (repeated) throw new ScenarioError(file, [{ path: '', line: repeated.line, message: `the key "${repeated.key}" appears twice in one object; expected each key once` }]);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { errors, warnings } = crossCheck(parsed.data);
  if (errors.length > 0) return undefined;
  return { scenario: parsed.data, warnings: warnings.map((w) => `${file}: ${w.path}: ${w.message}`) };
}

function parseYaml(text: string, file: string): ParsedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  located.set(doc, lines);
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({ path: '', line: lines.linePos(e.pos[0]).line, message: `YAML syntax error: ${firstLine(e.message)}` })),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(file, [{ path: '', line: 1, message: 'expected a YAML mapping with version, name, cluster, nodes, ...' }]);
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScenarioError(file, parsed.error.issues.map((i) => problemFromIssue(i, doc)));
  }
  const { errors, warnings } = crossCheck(parsed.data);
  if (errors.length > 0) throw new ScenarioError(file, errors.map((p) => withLine(p, doc)));
  return { scenario: parsed.data, warnings: warnings.map((w) => `${file}: ${w.path}: ${w.message}`) };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function problemFromIssue(issue: z.core.$ZodIssue, doc: Document): ScenarioProblem {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const path = [...issue.path, key];
    const known = knownKeys(issue.path);
    const hint = known.length ? `; did you mean "${closestName(key, known)}"? (known fields: ${known.join(', ')})` : '';
    const more = issue.keys.length > 1 ? ` (also unknown: ${issue.keys.slice(1).join(', ')})` : '';
    return { path: formatPath(path), line: lineOf(doc, path, true), message: `unknown field${more}${hint}` };
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined$/.test(message)) {
    message = `is required (expected ${issue.expected})`;
  } else if (issue.code === 'invalid_type') {
    message = message.replace(/^Invalid input: /, '');
  } else if (issue.code === 'invalid_value') {
    message = message.replace(/^Invalid (option|input): /, '');
  }
  return { path: formatPath(issue.path), line: lineOf(doc, issue.path, false), message };
}

function withLine(p: ScenarioProblem, doc: Document): ScenarioProblem {
  const segs: (string | number)[] = [];
  for (const m of p.path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    segs.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
  }
  return { ...p, line: lineOf(doc, segs, false) };
}

/** Line of the node at `path`, or of its nearest existing ancestor. For keys, the key's own line. */
function lineOf(doc: Document, path: readonly PropertyKey[], isKey: boolean): number | undefined {
  const segs = path.filter((s): s is string | number => typeof s !== 'symbol');
  for (let n = segs.length; n >= 0; n--) {
    const parent = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n - 1), true);
    const last = segs[n - 1];
    let range: [number, number, number] | null | undefined;
    if (n === 0) range = (doc.contents as { range?: [number, number, number] } | null)?.range;
    else if (isMap(parent)) {
      const pair = parent.items.find((it) => (it.key as { value?: unknown })?.value === last);
      if (pair) range = ((isKey && n === segs.length ? pair.key : pair.value ?? pair.key) as { range?: [number, number, number] })?.range;
    } else if (isSeq(parent) && typeof last === 'number') {
      range = (parent.items[last] as { range?: [number, number, number] } | undefined)?.range;
    }
    if (range) return lineAt(doc, range[0]);
  }
  return undefined;
}

const located = new WeakMap<Document, LineCounter>();

function lineAt(doc: Document, offset: number): number | undefined {
  return located.get(doc)?.linePos(offset).line;
}

/** Field names the schema allows at a path (for "did you mean"). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let s: unknown = scenarioSchema;
  for (const seg of path) {
    s = unwrap(s);
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (def.type === 'array' && typeof seg === 'number') s = def.element;
    else if (def.type === 'object' && typeof seg === 'string') s = (def.shape as Record<string, unknown>)[seg];
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  const def = (unwrap(s) as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(s: unknown): unknown {
  for (;;) {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return s;
    if (['default', 'prefault', 'optional', 'nullable', 'catch', 'readonly'].includes(def.type as string)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else return s;
  }
}
