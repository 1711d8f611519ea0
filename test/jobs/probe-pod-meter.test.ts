/**
 * The probe-pod meter tells each probe pod's outcome from what the cluster access answered:
 * succeeded, failed, timed-out, forbidden, cleanup-failed; ephemeral containers and other calls
 * pass through uncounted. The access is a hand-made fake (only the calls the meter watches).
 */
import { describe, expect, it } from 'vitest';
import { ForbiddenError, type ClusterAccess, type CompletionResult, type ProbePodSpec } from '../../src/core/cluster-access.js';
import { meterProbePods, type ProbePodOutcome } from '../../jobs/probe-pod-meter.js';

const spec = (name: string): ProbePodSpec => ({ namespace: 'mos', name, labels: {}, image: 'img', command: ['dnswhy'], dnsPolicy: 'ClusterFirst' });

function fakeAccess(completion: Record<string, CompletionResult>, refuse: Set<string>, failDelete: Set<string>): ClusterAccess {
  const base = {
    apiRequests: 7,
    async createPod(s: ProbePodSpec) {
      if (refuse.has(s.name)) throw new ForbiddenError('pods is forbidden: cannot create', 'create', 'pods', s.namespace);
      return { namespace: s.namespace, name: s.name };
    },
    async waitForCompletion(_ns: string, name: string) {
      return completion[name]!;
    },
    async deletePod(_ns: string, name: string) {
      if (failDelete.has(name)) throw new Error('connection reset');
    },
  };
  return base as unknown as ClusterAccess;
}

describe('meterProbePods', () => {
  it('tells each probe pod outcome once, and passes everything else through', async () => {
    const seen: ProbePodOutcome[] = [];
    const access = meterProbePods(
      fakeAccess(
        { ok: { phase: 'Succeeded', timedOut: false }, bad: { phase: 'Failed', exitCode: 2, timedOut: false }, slow: { phase: 'Running', timedOut: true }, target: { phase: 'Succeeded', timedOut: false } },
        new Set(['refused']),
        new Set(['slow']),
      ),
      (o) => seen.push(o),
    );
    expect(access.apiRequests).toBe(7);
    for (const name of ['ok', 'bad', 'slow']) {
      await access.createPod(spec(name));
      await access.waitForCompletion('mos', name, { timeoutMs: 10 });
      await access.deletePod('mos', name).catch(() => undefined);
    }
    await expect(access.createPod(spec('refused'))).rejects.toThrow(ForbiddenError);
    // An ephemeral container in the target pod, and a pod the meter did not create: not counted.
    await access.waitForCompletion('mos', 'target', { timeoutMs: 10, ephemeralContainer: 'dnswhy-probe-1' });
    await access.waitForCompletion('mos', 'target', { timeoutMs: 10 });
    expect(seen).toEqual(['succeeded', 'failed', 'timed-out', 'cleanup-failed', 'forbidden']);
  });
});
