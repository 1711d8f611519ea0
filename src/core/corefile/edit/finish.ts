/**
 * The common end of every edit: re-parse the new text, validate it, re-evaluate control queries before
 * and after, and produce a unified diff. Errors the original already had do not fail the edit; new
 * ones do (the edit produced an invalid Corefile).
 */
import { createTwoFilesPatch } from 'diff';
import type { Diagnostic } from '../model.js';
import { validateText } from './validate-text.js';
import { explain } from '../evaluate/index.js';
import { answerSignature } from './signature.js';
import type { EditContext, EditEffect, EditResult } from './types.js';

const key = (d: Diagnostic) => `${d.plugin ?? ''}|${d.message}`;

/** Builds the EditResult of turning `before` into `after`. */
export function finishEdit(before: string, after: string, description: string, ctx: EditContext = {}, notes: Diagnostic[] = []): EditResult {
  const popts = { file: 'Corefile', ...ctx.parseOptions };
  const old = validateText(before, popts, ctx.corednsVersion);
  const next = validateText(after, popts, ctx.corednsVersion);
  const diagnostics = next.problems;
  const oldErrors = new Set(old.problems.filter((d) => d.severity === 'error').map(key));
  const introduced = diagnostics.filter((d) => d.severity === 'error' && !oldErrors.has(key(d)));
  const inherited = diagnostics.filter((d) => d.severity === 'error' && oldErrors.has(key(d)));
  const extra: Diagnostic[] = [...notes];
  if (inherited.length) extra.push({ severity: 'warning', message: `the Corefile already had ${inherited.length} error(s) before this edit; they are unchanged` });
  const diff = createTwoFilesPatch('Corefile', 'Corefile', before, after, 'current', 'proposed');
  const world = ctx.world ?? {};
  const effects: EditEffect[] = [];
  if (next.model.blocks.length > 0) {
    for (const q of ctx.controls ?? []) {
      const b = answerSignature(explain(old.model, q, world));
      const a = answerSignature(explain(next.model, q, world));
      effects.push({ query: q, before: b, after: a, changed: a !== b });
    }
  }
  return {
    ok: introduced.length === 0 && !notes.some((d) => d.severity === 'error'),
    text: after, diff, model: next.model, diagnostics: [...diagnostics, ...extra], effects, description,
  };
}

/** An edit that could not be made. */
export function failedEdit(text: string, description: string, message: string): EditResult {
  return { ok: false, text, diff: '', model: null, diagnostics: [{ severity: 'error', message }], effects: [], description };
}
