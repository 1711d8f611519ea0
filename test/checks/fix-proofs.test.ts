/**
 * Fix proofs, checked independently of the code that built them: every corefile-patch offered by a
 * raise fixture, re-parsed and evaluated from the pod's IP, answers the failing name with an address
 * the evidence shows accepting TCP from the pod's node (or forwards it only to upstreams the evidence
 * shows answering it); its control queries evaluate the same before and after; its diff turns the old
 * text into the new one. Workload patches target the owner's pod template, never the pod.
 */
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/run-checks.js';
import { Facts } from '../../src/checks/lib/facts.js';
import { evalWorld } from '../../src/checks/lib/corefile-engine.js';
import { explain } from '../../src/core/corefile/evaluate/index.js';
import { parseCorefile } from '../../src/core/corefile/parse.js';
import { customConfigDir, fileSourceOf } from '../../src/core/corefile/configmap-files.js';
import { checkCorefile } from '../../src/core/corefile/validate.js';
import type { CorefilePatchFix, WorkloadPatchFix } from '../../src/core/model/index.js';
import { checkFolders, loadFixtures } from './load-fixtures.js';

const cases = checkFolders().flatMap((c) => loadFixtures(c, 'raise'));

function signature(text: string, q: { name: string; type: string; client: string }, world: ReturnType<typeof evalWorld>, files: Record<string, string> = {}): string {
  const e = explain(parseCorefile(text, { files: fileSourceOf(files) }).model, q, { ...world, files: fileSourceOf(files) });
  return JSON.stringify({ rcode: e.rcode, answers: e.answers.map((a) => `${a.type} ${a.data}`).sort(), forward: e.forwardTo?.map((u) => u.ip) ?? null });
}

describe('corefile-patch proofs', () => {
  const withPatches = cases.map((fx) => ({ fx, patches: runChecks(fx.input).flatMap((f) => f.fixes).filter((x): x is CorefilePatchFix => x.kind === 'corefile-patch') })).filter((c) => c.patches.length > 0);

  it('the seeds with Corefile fixes offer them (the proof loop below is not empty)', () => {
    expect(withPatches.map((c) => c.fx.check).sort()).toEqual(expect.arrayContaining(['cluster-domain-shadowing', 'mixed-upstreams', 'static-answer-unreachable', 'upstream-split-horizon']));
    // ...and one goes into a provider's coredns-custom ConfigMap, so the import branch below is exercised.
    expect(withPatches.flatMap((c) => c.patches).some((p) => p.target.name === 'coredns-custom' && p.target.key.endsWith('.server'))).toBe(true);
  });

  for (const { fx, patches } of withPatches) {
    for (const p of patches) {
      it(`${fx.check}/${fx.file}: ${p.title}`, () => {
        const f = new Facts(fx.input);
        const ev = f.corefile!;
        // A fix into the provider's coredns-custom ConfigMap adds a key the managed Corefile imports: the
        // Corefile stays, the files beside it change.
        const custom = ev.custom && p.target.name === ev.custom.name ? ev.custom : undefined;
        const path = `${customConfigDir}/${p.target.key}`;
        const side = {
          before: { text: custom ? ev.text : p.before, files: ev.files },
          after: { text: custom ? ev.text : p.after, files: custom ? { ...ev.files, [path]: p.after } : ev.files },
        };
        const after = parseCorefile(side.after.text, { files: fileSourceOf(side.after.files) });
        expect(after.ok, after.diagnostics.map((d) => d.message).join('; ')).toBe(true);
        expect(p.before).toBe(custom ? (ev.files[path] ?? '') : ev.text);
        expect(applyPatch(p.before, p.diff)).toBe(p.after);
        expect(p.target).toMatchObject(custom ? { namespace: custom.namespace, name: custom.name } : { namespace: ev.configMap.namespace, name: ev.configMap.name, key: 'Corefile' });
        const q = { name: p.simulation.failing.name, type: 'A', client: f.pod.ip };
        expect(q.name.replace(/\.$/, '')).toBe(f.queryName);
        const answering = new Set(f.upstreamViews().filter((u) => u.addresses.length > 0).map((u) => u.resolver));
        // Every CoreDNS replica runs the same Corefile with its own node's resolv.conf: check each one.
        const nodes = f.corednsNodes.length > 0 ? f.corednsNodes : [undefined];
        let changedSomewhere = false;
        for (const node of nodes) {
          const world = evalWorld(f, node);
          // The failing query, from the pod's address, gets something the evidence shows working.
          const ex = explain(after.model, q, { ...world, files: fileSourceOf(side.after.files) });
          const addrs = ex.answers.filter((a) => a.type === 'A').map((a) => a.data);
          if (addrs.length > 0) {
            for (const ip of addrs) expect(f.reach(ip).verdict, `${ip} accepts TCP from ${f.pod.node}`).toBe('reachable');
          } else {
            const to = ex.forwardTo?.map((u) => u.ip) ?? [];
            expect(to.length).toBeGreaterThan(0);
            for (const ip of to) expect(answering.has(ip), `${ip} answered ${f.name} (replica on ${node})`).toBe(true);
          }
          const before = (c: typeof q) => signature(side.before.text, c, world, side.before.files);
          const afterSig = (c: typeof q) => signature(side.after.text, c, world, side.after.files);
          if (before(q) !== afterSig(q)) changedSomewhere = true;
          // Controls: unchanged, re-evaluated here rather than trusted from the simulation. A Corefile CoreDNS
          // refuses answers nothing before the fix, so there the controls must be answered after it.
          expect(p.simulation.controls.length).toBeGreaterThanOrEqual(2);
          const refusedBefore = !checkCorefile(side.before.text, { file: '/etc/coredns/Corefile', files: fileSourceOf(side.before.files) }).ok;
          for (const c of p.simulation.controls) {
            if (refusedBefore) expect(JSON.parse(afterSig(c)).rcode, `${c.name} from ${c.client}`).not.toMatch(/^(REFUSED|SERVFAIL)$/);
            else {
              // A control that failed with SERVFAIL before and is answered or forwarded after is repaired by the
              // same edit (a hosts block without fallthrough breaks every name); anything else must not change.
              const b = JSON.parse(before(c)) as { rcode: string; answers: string[] };
              const a = JSON.parse(afterSig(c)) as { answers: string[]; forward: unknown };
              if (b.rcode === 'SERVFAIL' && b.answers.length === 0 && (a.answers.length > 0 || a.forward)) continue;
              expect(afterSig(c), `${c.name} from ${c.client}`).toBe(before(c));
            }
          }
        }
        expect(changedSomewhere, 'the patch changes the failing answer for some replica').toBe(true);
        expect(p.needsRestart).toBe(!/^\s*reload\s*$/m.test(side.before.text));
      });
    }
  }
});

describe('workload-patch targets', () => {
  for (const fx of cases) {
    const patches = runChecks(fx.input).flatMap((f) => f.fixes).filter((x): x is WorkloadPatchFix => x.kind === 'workload-patch');
    if (patches.length === 0) continue;
    it(`${fx.check}/${fx.file}: patches the owner's pod template, never the pod`, () => {
      for (const p of patches) {
        expect(p.target.name).toBe(fx.input.target.pod.owner!.name);
        expect(p.target.kind).toBe(fx.input.target.pod.owner!.kind);
        expect(p.target.namespace).toBe(fx.input.target.pod.namespace);
        expect(p.target.resourceVersion).toBe(fx.input.target.pod.owner!.resourceVersion);
        expect(p.target.generation).toBe(fx.input.target.pod.owner!.generation);
        expect(Object.keys(p.patch)).toEqual(['spec']);
        expect(Object.keys((p.patch as { spec: Record<string, unknown> }).spec)).toEqual(['template']);
        expect(p.diff).toContain('template:');
        expect(p.blastRadius.length).toBeGreaterThan(10);
      }
    });
  }
});
