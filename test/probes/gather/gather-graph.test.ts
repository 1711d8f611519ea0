import { describe, expect, it } from 'vitest';
import { deepSteps, earlySteps } from '../../../src/probes/gather/gather-evidence.js';
import type { GatherStep } from '../../../src/probes/gather/step-graph.js';

type AnyStep = GatherStep<unknown>;
const graph: AnyStep[] = [...earlySteps, ...deepSteps];
const inputsOf = (s: AnyStep): AnyStep[] => Object.values(s.inputs);

/** Every step `s` waits for, directly or through its inputs. */
function upstreamOf(s: AnyStep, seen = new Set<AnyStep>()): Set<AnyStep> {
  for (const i of inputsOf(s)) if (!seen.has(i)) upstreamOf(i, seen.add(i));
  return seen;
}

describe("gatherEvidence's step graph", () => {
  it('names each step once and uses only steps that are in it', () => {
    expect(new Set(graph.map((s) => s.name)).size).toBe(graph.length);
    for (const s of graph) for (const i of inputsOf(s)) expect(graph, `${s.name} uses ${i.name}`).toContain(i);
  });

  it('keeps the early evidence early: no early step waits for a probe pod, the worker or metrics', () => {
    for (const s of earlySteps) {
      const waitsFor = [...upstreamOf(s)].filter((u) => (deepSteps as readonly AnyStep[]).includes(u)).map((u) => u.name);
      expect(waitsFor, s.name).toEqual([]);
    }
  });

  it('reads CoreDNS metrics only after every step that sends queries', () => {
    const metrics = deepSteps.find((s) => s.name === 'metrics')!;
    const before = [...upstreamOf(metrics)].map((s) => s.name);
    expect(before).toEqual(expect.arrayContaining(['twin probe', 'node-view probes', 'worker fallback']));
  });
});
