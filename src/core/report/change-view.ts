/**
 * How a fix's change is shown to a person. A Corefile edit that only inserts a whole server block
 * reads as that block, then where it goes (a line diff would interleave the copy with the block it
 * was copied from, as a view block copied from `.:53` does); anything else is the unified diff. Each
 * change has a short hash, so the approval and apply messages can name the change they act on
 * without repeating it. Pure.
 */
import { createHash } from 'node:crypto';
import { parseCorefile } from '../corefile/parse.js';
import type { CorefilePatchFix, Fix, WorkloadPatchFix } from '../model/index.js';

export type ApplicableChange = CorefilePatchFix | WorkloadPatchFix;

export type ChangeView =
  | { kind: 'new-block'; block: string; where: string; diff: string }
  | { kind: 'diff'; diff: string };

/** True for the fixes that change the cluster (advice is only shown). */
export function isApplicable(fix: Fix): fix is ApplicableChange {
  return fix.kind === 'corefile-patch' || fix.kind === 'workload-patch';
}

/** 12 hex characters of SHA-256 over the unified diff: the name of a change in the thread. */
export function changeHash(fix: ApplicableChange): string {
  return createHash('sha256').update(fix.diff).digest('hex').slice(0, 12);
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n' && i + 1 <= text.length) out.push(i + 1);
  return out;
}

function blockLabel(keys: string[], line: number): string {
  return `server block \`${keys.join(' ')}\` (line ${line})`;
}

/**
 * The inserted server block when `after` is `before` with exactly one whole server block (and blank
 * lines or comments) inserted at a line boundary; undefined otherwise.
 */
export function insertedServerBlock(before: string, after: string): { block: string; where: string } | undefined {
  const added = after.length - before.length;
  if (added <= 0) return undefined;
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - 0 && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  // A pure insertion at i needs before[0..i) as prefix and before[i..) as suffix of after.
  const lo = Math.max(0, before.length - suffix);
  const hi = Math.min(prefix, before.length);
  const old = parseCorefile(before);
  if (!old.ok) return undefined;
  for (const i of lineStarts(before).concat(before.length)) {
    if (i < lo || i > hi) continue;
    const inserted = after.slice(i, i + added);
    if (before.slice(0, i) + inserted + before.slice(i) !== after) continue;
    // A whole block: braces that open on its first line and close on its last.
    const body = inserted.trim();
    if (!/^[^\n{]+\{/.test(body) || !body.endsWith('}')) continue;
    const parsed = parseCorefile(inserted);
    if (!parsed.ok || parsed.model.blocks.length !== 1) continue;
    const insertedLine = before.slice(0, i).split('\n').length;
    const next = old.model.blocks.find((b) => b.pos.line >= insertedLine);
    const prev = [...old.model.blocks].reverse().find((b) => b.pos.line < insertedLine);
    const where = next
      ? `insert it before ${blockLabel(next.keys.map((k) => k.text), next.pos.line)}, which stays as it is`
      : prev
        ? `append it after ${blockLabel(prev.keys.map((k) => k.text), prev.pos.line)}, at the end of the Corefile`
        : 'it is the only server block';
    return { block: inserted.replace(/^\s*\n/, '').replace(/\s+$/, ''), where };
  }
  return undefined;
}

/** How to show a fix's change: a new block whole with its place, or the diff. */
export function changeView(fix: ApplicableChange): ChangeView {
  if (fix.kind === 'corefile-patch') {
    const nb = insertedServerBlock(fix.before, fix.after);
    if (nb) return { kind: 'new-block', ...nb, diff: fix.diff };
  }
  return { kind: 'diff', diff: fix.diff };
}

/** The unified diff without its "Index:" and "====" header lines (noise for a reader). */
export function readableDiff(diff: string): string {
  return diff
    .split('\n')
    .filter((l) => !l.startsWith('Index:') && !/^={5,}$/.test(l))
    .join('\n')
    .replace(/\n+$/, '');
}

/** The change as plain text: "New server block … / where" or the diff. */
export function changeText(fix: ApplicableChange): string {
  const v = changeView(fix);
  if (v.kind === 'new-block') return `New server block (${v.where}):\n${v.block}`;
  return readableDiff(v.diff);
}
