import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/core/model/index.js';
import { defineStep, startSteps } from '../../../src/probes/gather/step-graph.js';
import { stepContext } from './steps/step-context.js';

const note = (probe: string): Evidence => ({ id: '', kind: 'probe-error', from: { kind: 'worker' }, at: '', ms: 0, probe, what: probe, reason: probe });

/** A deferred the test resolves by hand, to see what waits for what. */
function gate<T>() {
  let open!: (v: T) => void;
  const opened = new Promise<T>((r) => (open = r));
  return { open, opened };
}

describe('startSteps (the gatherer step graph)', () => {
  it('starts every step at once, each input once, and lets a step use an input only where it awaits it', async () => {
    const started: string[] = [];
    const slow = gate<number>();
    const slowStep = defineStep({
      name: 'slow',
      inputs: {},
      async run() {
        started.push('slow');
        return { value: await slow.opened, evidence: [note('slow')] };
      },
    });
    const userStep = defineStep({
      name: 'user',
      inputs: { slow: slowStep },
      async run(_, { slow: s }) {
        started.push('user');
        return { value: (await s).value + 1, evidence: [note('user')] };
      },
    });
    const alsoUserStep = defineStep({
      name: 'also user',
      inputs: { slow: slowStep, user: userStep },
      async run(_, inputs) {
        started.push('also user');
        const [s, u] = await Promise.all([inputs.slow, inputs.user]);
        return { value: s.value + u.value, evidence: [] };
      },
    });
    const steps = startSteps(stepContext(), [alsoUserStep, userStep, slowStep]);
    // Every step has started before any input is ready, and the shared input ran once.
    expect(started.sort()).toEqual(['also user', 'slow', 'user']);
    slow.open(1);
    expect((await steps.result(alsoUserStep)).value).toBe(3);
    expect((await steps.evidence([slowStep, alsoUserStep, userStep])).map((e) => e.kind === 'probe-error' && e.probe)).toEqual(['slow', 'user']);
  });

  it('refuses an input that is not in the graph and inputs that wait for each other in a cycle', () => {
    const outside = defineStep({ name: 'outside', inputs: {}, run: async () => ({ value: 1, evidence: [] }) });
    const user = defineStep({ name: 'user', inputs: { outside }, run: async () => ({ value: 2, evidence: [] }) });
    expect(() => startSteps(stepContext(), [user])).toThrow(/"outside" is used as an input but is not in the graph/);
    const a = { name: 'a', inputs: {} as Record<string, never>, run: async () => ({ value: 0, evidence: [] }) };
    const b = defineStep({ name: 'b', inputs: { a }, run: async () => ({ value: 0, evidence: [] }) });
    (a.inputs as Record<string, unknown>).b = b;
    expect(() => startSteps(stepContext(), [a, b])).toThrow(/cycle through "a"/);
    const steps = startSteps(stepContext(), [outside]);
    expect(() => steps.result(user)).toThrow(/"user" is not in the graph/);
  });

  it('passes a failed step to whoever awaits it, without an unhandled rejection elsewhere', async () => {
    const broken = defineStep({
      name: 'broken',
      inputs: {},
      run: async (): Promise<{ value: number; evidence: Evidence[] }> => {
        throw new Error('bug in a step');
      },
    });
    const user = defineStep({ name: 'user', inputs: { broken }, run: async (_, i) => ({ value: (await i.broken).value, evidence: [] }) });
    const steps = startSteps(stepContext(), [broken, user]);
    await expect(steps.result(user)).rejects.toThrow('bug in a step');
    await expect(steps.evidence([broken])).rejects.toThrow('bug in a step');
  });
});
