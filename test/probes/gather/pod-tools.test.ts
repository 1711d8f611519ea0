/**
 * The pod's own tools under a budget (runPodTools with stopWaiting). The exec is a stand-in
 * ClusterAccess (mocked: an exec that answers after a set time), since what is tested is only when
 * dnswhy stops waiting for it.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterAccess, ClusterPod, ExecResult } from '../../../src/core/cluster-access.js';
import { runPodTools } from '../../../src/probes/gather/pod-exec.js';

const pod = { namespace: 'default', name: 'web-0', node: 'worker-1', ip: '10.244.1.7', containers: ['app'] } as unknown as ClusterPod;

function accessAnsweringAfter(ms: number, result: ExecResult): ClusterAccess {
  return { exec: () => new Promise<ExecResult>((r) => setTimeout(() => r(result), ms)) } as unknown as ClusterAccess;
}

const answered: ExecResult = { exitCode: 0, stdout: '10.96.0.20      STREAM api.default.svc.cluster.local\n', stderr: '' };

describe('runPodTools with a budget (mocked exec)', () => {
  it('reports a tool still running when the budget ends as still waiting, with no exit code or output', async () => {
    const stop = new Promise<void>((r) => setTimeout(r, 50));
    const [e] = await runPodTools(accessAnsweringAfter(2000, answered), pod, 'app', 'api', 10_000, stop);
    expect(e).toMatchObject({ kind: 'tool-output', tool: 'getent', exitCode: -1, stdout: '', parsed: { addresses: [], timedOut: true } });
    expect(e!.kind === 'tool-output' && e.stillWaitingAfterMs).toBeGreaterThanOrEqual(40);
  });

  it('keeps the answer of a tool that finishes within the budget', async () => {
    const stop = new Promise<void>((r) => setTimeout(r, 500));
    const [e] = await runPodTools(accessAnsweringAfter(10, answered), pod, 'app', 'api', 10_000, stop);
    expect(e).toMatchObject({ kind: 'tool-output', tool: 'getent', exitCode: 0, parsed: { addresses: ['10.96.0.20'] } });
    expect(e!.kind === 'tool-output' && e.stillWaitingAfterMs).toBeUndefined();
  });
});
