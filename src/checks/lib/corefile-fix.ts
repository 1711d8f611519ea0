/**
 * Turns a Corefile edit (src/core/corefile/edit) into a proven corefile-patch fix: the patched Corefile, evaluated for the failing
 * query from this pod's address, must change the answer, and the answer must be one the evidence shows
 * working (the caller's `proof`); the control queries (a cluster name, an external name, the same name
 * from another zone) must not change. An edit that fails any of this is not offered; the reason is
 * kept for the explanation.
 */
import { explain, type EvalQuery, type EvalWorld, type Explanation } from '../../core/corefile/evaluate/index.js';
import { simulateEdit, type EditEffect, type EditResult } from '../../core/corefile/edit/index.js';
import type { CorefilePatchFix, FixDurability, FixScope, Risk, SimulatedQuery } from '../../core/model/index.js';
import type { ParseOptions } from '../../core/corefile/model.js';
import { fileSourceOf } from '../../core/corefile/configmap-files.js';
import { parsedCorefile } from './corefile-engine.js';
import type { Facts } from './facts.js';

/** What a Corefile fix claims, and how to prove it. */
export interface CorefileFixParts {
  title: string;
  blastRadius: string;
  risk: Risk;
  /** Who the edit touches (default: every pod). */
  scope?: FixScope;
  /** A stop-gap when the edit pins addresses (hosts entries) that go stale. */
  durability?: FixDurability;
  failing: EvalQuery;
  controls: EvalQuery[];
  world: EvalWorld;
  /** Plain-language proof when the patched answer is one the evidence shows working; undefined otherwise. */
  proof: (after: Explanation) => string | undefined;
  /**
   * Where the change is written when it is not the managed Corefile: a key of the provider's
   * coredns-custom ConfigMap that the Corefile imports. The Corefile itself stays as it is; `world`
   * and `parseOptions` are what CoreDNS sees with the new key mounted.
   */
  placement?: { target: CorefilePatchFix['target']; before: string; after: string; diff: string; world: EvalWorld; parseOptions: ParseOptions };
}

function simulated(e: EditEffect, after?: Explanation): SimulatedQuery {
  return {
    name: e.query.name,
    type: e.query.type,
    client: e.query.client,
    before: e.before,
    after: e.after,
    changed: e.changed,
    ...(after ? { rcodeAfter: after.rcode, answersAfter: after.answers } : {}),
  };
}

/** True when no server block of the Corefile has the reload plugin: CoreDNS must be restarted. */
export function needsRestart(f: Facts): boolean {
  const p = parsedCorefile(f);
  if (!p) return true;
  return !p.model.blocks.some((b) => b.directives.some((d) => d.name === 'reload'));
}

/** A proven corefile-patch, or the reason it cannot be offered. */
export function proveCorefileFix(f: Facts, edit: EditResult, parts: CorefileFixParts): { fix?: CorefilePatchFix; why?: string } {
  const ev = f.corefile;
  if (!ev) return { why: 'no Corefile in the evidence' };
  if (!edit.ok || !edit.model) {
    const err = edit.diagnostics.find((d) => d.severity === 'error');
    return { why: `the edit could not be made${err ? `: ${err.message}` : ''}` };
  }
  const pl = parts.placement;
  const sim = pl
    ? simulateEdit(ev.text, ev.text, parts.failing, parts.controls, parts.world, { files: fileSourceOf(ev.files) }, { world: pl.world, parseOptions: pl.parseOptions })
    : simulateEdit(ev.text, edit.text, parts.failing, parts.controls, parts.world);
  if (!sim.fixesFailing) return { why: `the edit does not change the answer for ${parts.failing.name} from ${parts.failing.client} (${sim.failing.after})` };
  // A control that failed before (SERVFAIL) and, after, answers with records or goes to the upstreams is
  // repaired by the same edit (a hosts block without fallthrough breaks every name), not changed for the worse.
  const repaired = (c: { before: string; after: string }) => c.before.startsWith('SERVFAIL') && (/^NOERROR \S/.test(c.after) || c.after.startsWith('forwarded to '));
  const changedControl = sim.controls.find((c) => c.changed && !repaired(c));
  if (changedControl) return { why: `the edit would also change ${changedControl.query.name} from ${changedControl.query.client} (${changedControl.before} → ${changedControl.after})` };
  const after = explain(edit.model, parts.failing, pl ? pl.world : parts.world);
  const proof = parts.proof(after);
  if (!proof) return { why: `after the edit ${parts.failing.name} from ${parts.failing.client} gets ${sim.failing.after}, which the evidence does not show working` };
  return {
    fix: {
      kind: 'corefile-patch',
      title: parts.title,
      blastRadius: parts.blastRadius,
      risk: parts.risk,
      ...(parts.scope ? { scope: parts.scope } : {}),
      ...(parts.durability ? { durability: parts.durability } : {}),
      target: pl ? pl.target : { namespace: ev.configMap.namespace, name: ev.configMap.name, key: 'Corefile', ...(ev.configMap.resourceVersion ? { resourceVersion: ev.configMap.resourceVersion } : {}) },
      before: pl ? pl.before : ev.text,
      after: pl ? pl.after : edit.text,
      diff: pl ? pl.diff : edit.diff,
      changes: edit.description,
      simulation: { failing: simulated(sim.failing, after), controls: sim.controls.map((c) => simulated(c)), proof },
      needsRestart: needsRestart(f),
    },
  };
}

/** Control queries every Corefile fix is checked against: a cluster Service name and an external name, from the pod. */
export function baseControls(f: Facts, avoidZone?: string): EvalQuery[] {
  const client = f.pod.ip;
  const external = ['www.example.org', 'www.example.net', 'example.com'].find((n) => !avoidZone || !(`.${n}`.endsWith(`.${avoidZone}`) || n === avoidZone))!;
  const out: EvalQuery[] = [{ name: `kubernetes.default.svc.${f.clusterDomain}.`, type: 'A', client }];
  if (!f.name.endsWith(external)) out.push({ name: `${external}.`, type: 'A', client });
  return out;
}

/**
 * The forward targets after an edit when they pass `accept`, for a `proof` that rests on where the
 * patched Corefile sends the name; undefined when it forwards nowhere or `accept` refuses them.
 */
export function forwardTargetsAfter(after: Explanation, accept: (to: string[]) => boolean): string[] | undefined {
  const to = after.forwardTo?.map((u) => u.ip) ?? [];
  return to.length > 0 && accept(to) ? to : undefined;
}
