/**
 * Loads the check fixtures: src/checks/<id>/fixtures/{raise,clean}/*.json. A fixture is evidence
 * plus what must (raise) or must not (clean) be reported:
 * { description, target: { pod, name, port? }, evidence: Evidence[],
 *   expect: { findings: [{ checkId, severity, messageId?, fixKinds? }], absent?: [checkId] } }
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckInput } from '../../src/checks/define-check.js';
import type { FixKind, Severity } from '../../src/core/model/index.js';

export const checksDir = join(import.meta.dirname, '..', '..', 'src', 'checks');

export interface ExpectedFinding {
  checkId: string;
  severity: Severity;
  messageId?: string;
  fixKinds?: FixKind[];
}

export interface Fixture {
  check: string;
  kind: 'raise' | 'clean';
  file: string;
  description: string;
  input: CheckInput;
  expect: { findings: ExpectedFinding[]; absent?: string[] };
}

/** Check folders (every directory with an index.ts, except lib). */
export function checkFolders(): string[] {
  return readdirSync(checksDir)
    .filter((d) => d !== 'lib' && statSync(join(checksDir, d)).isDirectory() && existsSync(join(checksDir, d, 'index.ts')))
    .sort();
}

export function loadFixtures(check: string, kind: 'raise' | 'clean'): Fixture[] {
  const dir = join(checksDir, check, 'fixtures', kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { description: string; target: CheckInput['target']; evidence: CheckInput['evidence']; expect: Fixture['expect'] };
      if (!raw.target || !Array.isArray(raw.evidence) || !raw.expect) throw new Error(`${check}/fixtures/${kind}/${file}: needs target, evidence and expect`);
      return { check, kind, file, description: raw.description, input: { target: raw.target, evidence: raw.evidence }, expect: raw.expect };
    });
}
