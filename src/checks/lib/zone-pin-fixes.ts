/** The two fixes every zone-mismatch check offers first: a per-zone view, then a workload pin. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from './facts.js';
import { hostAliasesFix } from './workload.js';
import { zoneViewFix } from './zone-view-fix.js';
import type { ZoneAnswers } from './zone-answers.js';

/** The view fix (or why there is none, said in the explanation) and the hostAliases pin. */
export function zonePinFixes(f: Facts, z: ZoneAnswers, pinTitle: string): { fixes: Fix[]; notes: string[] } {
  const fixes: Fix[] = [];
  const notes: string[] = [];
  const view = zoneViewFix(f, z.reachableLocal);
  if (view.fix) fixes.push(view.fix);
  else if (view.why) notes.push(`No Corefile patch is offered: ${view.why}.`);
  const ha = hostAliasesFix(f.pod, f.name, z.reachableLocal, { title: pinTitle, risk: 'medium' });
  if (ha) fixes.push(ha);
  return { fixes, notes };
}
