/** stop() must not hang on a probe that never finishes (a connect whose SYNs are dropped, say). */
import { describe, expect, it } from 'vitest';
import { startTestLab } from './helpers/test-lab.js';

describe('stopping a lab with a probe still running', () => {
  it('stops, and the hanging probe never writes to the stopped lab', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    // A FAKE probe runner that never returns.
    const hangingProbeRunner = () => {
      started();
      return new Promise<never>(() => {});
    };
    const t = await startTestLab('small.yaml', { probeRunner: hangingProbeRunner });
    await t.core.createNamespacedPod({
      namespace: 'shop',
      body: { metadata: { name: 'stuck' }, spec: { nodeName: 'node-a', containers: [{ name: 'p', image: 'dnswhy:dev', command: ['dnswhy', 'probe', '--spec', '{}'] }] } },
    });
    await running;
    expect((await t.core.readNamespacedPod({ namespace: 'shop', name: 'stuck' })).status!.phase).toBe('Running');
    await t.lab.stop();
    expect(t.fake.stopped).toBe(true);
  });
});
