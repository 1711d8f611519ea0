/**
 * Counts the outcome of every probe pod a diagnosis runs, by watching the cluster access the
 * gatherer uses: a pod it created ends succeeded, failed, timed-out, or forbidden (the create
 * was refused), and a delete that failed adds cleanup-failed. The gatherer itself stays unaware
 * of metrics; ephemeral containers are not pods and are not counted.
 */
import { ForbiddenError, type ClusterAccess } from '../src/core/cluster-access.js';

export type ProbePodOutcome = 'succeeded' | 'failed' | 'timed-out' | 'forbidden' | 'cleanup-failed';

/** The same access, telling `onOutcome` how each probe pod ended. */
export function meterProbePods(access: ClusterAccess, onOutcome: (outcome: ProbePodOutcome) => void): ClusterAccess {
  const created = new Set<string>();
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const overrides: Partial<ClusterAccess> = {
    async createPod(spec) {
      try {
        const pod = await access.createPod(spec);
        created.add(key(spec.namespace, spec.name));
        return pod;
      } catch (err) {
        onOutcome(err instanceof ForbiddenError ? 'forbidden' : 'failed');
        throw err;
      }
    },
    async waitForCompletion(namespace, name, opts) {
      const mine = !opts.ephemeralContainer && created.delete(key(namespace, name));
      try {
        const done = await access.waitForCompletion(namespace, name, opts);
        if (mine) onOutcome(done.timedOut ? 'timed-out' : done.phase === 'Succeeded' ? 'succeeded' : 'failed');
        return done;
      } catch (err) {
        if (mine) onOutcome('failed');
        throw err;
      }
    },
    async deletePod(namespace, name, opts) {
      try {
        await access.deletePod(namespace, name, opts);
      } catch (err) {
        onOutcome('cleanup-failed');
        throw err;
      }
    },
  };
  return new Proxy(access, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof ClusterAccess];
      const v = Reflect.get(target, prop) as unknown;
      // Methods run against the real object (class instances may keep private state).
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
