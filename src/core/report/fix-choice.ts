/**
 * One recommended fix per cause, by a rule a reader can check: a fix that can be applied with a
 * click before advice; then the lowest risk; then the fewest pods touched (one workload, one zone,
 * every pod); then durable before stop-gap; then the order the check listed them in. The rest are
 * the alternatives. Pure.
 */
import type { Fix, FixDurability, FixScope, Risk } from '../model/index.js';
import { isApplicable } from './change-view.js';

/** The rule, in the words reports and docs use. */
export const recommendationRule = 'a fix that can be applied before advice, then the lowest risk, then the fewest pods touched, then durable before stop-gap';

const riskRank: Record<Risk, number> = { low: 0, medium: 1, high: 2 };
const scopeRank: Record<FixScope, number> = { workload: 0, zone: 1, cluster: 2 };
const durabilityRank: Record<FixDurability, number> = { durable: 0, 'stop-gap': 1 };

/** Who a fix touches: as declared, else a workload patch its workload and anything else every pod. */
export function fixScope(fix: Fix): FixScope {
  return fix.scope ?? (fix.kind === 'workload-patch' ? 'workload' : 'cluster');
}

/** Durable unless the fix says it is a stop-gap. */
export function fixDurability(fix: Fix): FixDurability {
  return fix.durability ?? 'durable';
}

/** Compares two fixes by the rule (negative: a first). */
export function compareFixes(a: Fix, b: Fix): number {
  return (
    Number(!isApplicable(a)) - Number(!isApplicable(b)) ||
    riskRank[a.risk] - riskRank[b.risk] ||
    scopeRank[fixScope(a)] - scopeRank[fixScope(b)] ||
    durabilityRank[fixDurability(a)] - durabilityRank[fixDurability(b)]
  );
}

export interface FixChoice {
  /** Index in the finding's fixes of the recommended one; undefined when there is no fix. */
  recommended?: number;
  /** The other fixes' indexes, in rule order. */
  alternatives: number[];
  /**
   * Set when the proven fixes are stop-gaps and the durable fix is advice: one line saying so.
   */
  stopGap?: string;
}

/** Chooses the recommended fix of a finding's fixes. */
export function chooseFix(fixes: Fix[]): FixChoice {
  const order = fixes.map((f, i) => ({ f, i })).sort((x, y) => compareFixes(x.f, y.f) || x.i - y.i).map(({ i }) => i);
  if (order.length === 0) return { alternatives: [] };
  const [recommended, ...alternatives] = order as [number, ...number[]];
  const rec = fixes[recommended]!;
  const proven = fixes.filter(isApplicable);
  const durableAdvice = fixes.find((f) => f.kind === 'advice' && f.durability === 'durable');
  let stopGap: string | undefined;
  if (isApplicable(rec) && fixDurability(rec) === 'stop-gap' && durableAdvice) {
    const all = proven.every((f) => fixDurability(f) === 'stop-gap');
    stopGap = `${all && proven.length > 1 ? `All ${proven.length} proven fixes are stop-gaps` : 'This is a stop-gap'}: ${all && proven.length > 1 ? 'they pin' : 'it pins'} today's addresses, which go stale when they change. The durable fix is advice: ${durableAdvice.title}.`;
  }
  return { recommended, alternatives, ...(stopGap ? { stopGap } : {}) };
}
