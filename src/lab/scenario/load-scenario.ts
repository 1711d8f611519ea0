/**
 * Reads a scenario file (docs/lab-scenario.md): YAML → strict schema → cross-references. Every problem
 * is reported with the file, the path, the line and what was expected, all at once.
 */
import { isMap, isSeq, LineCounter, parseDocument, Parser, visit, type Document } from 'yaml';
import { fileLimits, InputFileError, readTextFile } from '../../files/read-text-file.js';
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
    text = readTextFile(path, fileLimits.scenario);
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    const message = e.message.slice(path.length + 1);
    throw new ScenarioError(path, [{ path: '', message: message === 'does not exist' ? 'file not found; expected a scenario YAML file' : message }]);
  }
  return parseScenarioDetailed(text, path);
}

/** Deepest nesting of collections a scenario may have (the schema needs five or six). */
export const maxScenarioDepth = 64;
/** How many nodes aliases may copy in: a few anchors are fine, a "billion laughs" is not. */
export const maxAliasCount = 100;

/**
 * Offset where collections nest deeper than maxScenarioDepth, from the YAML parser's concrete
 * syntax tree (built without recursion), before anything recursive (the composer, toJS) runs.
 */
function tooDeepAt(text: string): number | undefined {
  type Tok = { type: string; offset: number; value?: Tok; items?: { key?: Tok | null; value?: Tok | null }[] };
  const stack: { t: Tok; depth: number }[] = [];
  for (const tok of new Parser().parse(text)) stack.push({ t: tok as unknown as Tok, depth: 0 });
  while (stack.length > 0) {
    const { t, depth } = stack.pop()!;
    const collection = t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';
    const d = collection ? depth + 1 : depth;
    if (d > maxScenarioDepth) return t.offset;
    if (t.value) stack.push({ t: t.value, depth: d });
    for (const it of t.items ?? []) {
      if (it.key) stack.push({ t: it.key, depth: d });
      if (it.value) stack.push({ t: it.value, depth: d });
    }
  }
  return undefined;
}

/** Line of the first alias (`*name`) of a document. */
function firstAliasLine(doc: Document, lines: LineCounter): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? undefined : lines.linePos(offset).line;
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
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const line = text.slice(0, deep).split('\n').length;
    throw new ScenarioError(file, [{ path: '', line, message: `collections are nested more than ${maxScenarioDepth} levels deep here; a scenario needs only a few levels` }]);
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  located.set(doc, lines);
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({ path: '', line: lines.linePos(e.pos[0]).line, message: `YAML syntax error: ${firstLine(e.message)}` })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount });
  } catch (e) {
    // yaml throws a ReferenceError when aliases expand past maxAliasCount (or point nowhere).
    if (!(e instanceof ReferenceError)) throw e;
    const bomb = /alias count/i.test(e.message);
    throw new ScenarioError(file, [
      { path: '', line: firstAliasLine(doc, lines) ?? 1, message: bomb ? `aliases expand to more than ${maxAliasCount} copied nodes (an alias bomb?); the first alias is on this line` : `YAML alias error: ${firstLine(e.message)}` },
    ]);
  }
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
