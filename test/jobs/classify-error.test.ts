/**
 * Retry classification reads an error's `code` and `permanent` fields only. The table holds one real
 * error of every kind the workers can meet (cluster, remediation, input, lab, configuration); the
 * rename tests prove a class name plays no part.
 */
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { describeError, isConflict, isPermanent } from '../../jobs/classify-error.js';
import { ClusterError, ConflictError, ForbiddenError, InvalidRequestError, NotFoundError, TransientError } from '../../src/core/cluster-access.js';
import { InputError } from '../../src/core/input/target-name.js';
import { ConfigError } from '../../src/config.js';
import { PodNotFoundError } from '../../src/probes/gather/resolve-pod.js';
import { StepTimeoutError } from '../../src/probes/gather/run-step.js';
import { errorFromStatus } from '../../src/probes/kube/map-error.js';
import { FixRejectedError, StaleTargetError } from '../../src/remediation/apply-types.js';
import { ScenarioError } from '../../src/lab/scenario/scenario-error.js';
import { ExchangeError } from '../../src/lab/net/lab-exchange.js';
import { ApiError } from '../../src/lab/apiserver/status.js';

const ctx = { verb: 'get', resource: 'pods', namespace: 'default', name: 'web' };
const status = (code: number) => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `HTTP ${code}`, reason: 'X', code });

const table: { err: unknown; code: string; permanent: boolean; conflict: boolean }[] = [
  { err: new NotFoundError('pods "web" not found'), code: 'cluster-not-found', permanent: true, conflict: false },
  { err: new ForbiddenError('forbidden', 'create', 'pods', 'default', 'exec'), code: 'cluster-forbidden', permanent: true, conflict: false },
  { err: new InvalidRequestError('invalid', 422), code: 'cluster-invalid-request', permanent: true, conflict: false },
  { err: new ConflictError('changed', 'changed'), code: 'cluster-conflict', permanent: false, conflict: true },
  { err: new TransientError('timeout'), code: 'cluster-unavailable', permanent: false, conflict: false },
  { err: new ClusterError('HTTP 418', 418), code: 'cluster-error', permanent: false, conflict: false },
  { err: errorFromStatus(503, undefined, ctx), code: 'cluster-unavailable', permanent: false, conflict: false },
  { err: errorFromStatus(404, undefined, ctx), code: 'cluster-not-found', permanent: true, conflict: false },
  { err: new PodNotFoundError('no pod "web"', ['default/web-1']), code: 'pod-not-found', permanent: true, conflict: false },
  { err: new InputError('the DNS name is empty'), code: 'input-invalid', permanent: true, conflict: false },
  { err: new StaleTargetError('coredns changed', []), code: 'fix-stale-target', permanent: false, conflict: true },
  { err: new FixRejectedError('dry run refused', []), code: 'fix-rejected', permanent: true, conflict: false },
  { err: new ConfigError(['REDIS_URL: required']), code: 'config-invalid', permanent: true, conflict: false },
  { err: new ScenarioError('s.yaml', [{ path: 'pods', message: 'required' }]), code: 'scenario-invalid', permanent: true, conflict: false },
  { err: new StepTimeoutError('exec resolv.conf', 1500), code: 'probe-step-timeout', permanent: false, conflict: false },
  { err: new ExchangeError('timeout', 'no answer'), code: 'lab-exchange-failed', permanent: false, conflict: false },
  { err: status(404), code: 'lab-api-status', permanent: true, conflict: false },
  { err: status(503), code: 'lab-api-status', permanent: false, conflict: false },
];

describe('retry classification', () => {
  it.each(table.map((t) => ({ ...t, name: (t.err as Error).constructor.name })))('$name: code $code, permanent $permanent', ({ err, code, permanent, conflict }) => {
    expect((err as { code: string }).code).toBe(code);
    expect(isPermanent(err)).toBe(permanent);
    expect(isConflict(err)).toBe(conflict);
  });

  it('classifies a plain object with a code exactly like the error it stands for (no class involved)', () => {
    for (const t of table) {
      const plain = { code: t.code, permanent: t.permanent, message: 'revived from JSON' };
      expect(isPermanent(plain), t.code).toBe(t.permanent);
      expect(isConflict(plain), t.code).toBe(t.conflict);
    }
  });

  it('a renamed class keeps its policy, and an old class name alone earns nothing', () => {
    class SomethingElseEntirely extends NotFoundError {}
    const renamed = new SomethingElseEntirely('gone');
    Object.defineProperty(renamed, 'name', { value: 'Whatever' });
    expect(isPermanent(renamed)).toBe(true);

    const impostor = new Error('looks permanent by name only');
    impostor.name = 'PodNotFoundError';
    expect(isPermanent(impostor)).toBe(false);
    const conflictByName = new Error('changed');
    conflictByName.name = 'ConflictError';
    expect(isConflict(conflictByName)).toBe(false);
  });

  it('treats errors without the fields as transient, and BullMQ UnrecoverableError as permanent', () => {
    expect(isPermanent(new Error('ECONNRESET'))).toBe(false);
    expect(isPermanent('a string')).toBe(false);
    expect(isPermanent(undefined)).toBe(false);
    expect(isPermanent({ code: 'cluster-not-found' })).toBe(false);
    expect(isPermanent(new UnrecoverableError('stop'))).toBe(true);
  });
});

describe('describeError', () => {
  it('names the missing permission and the closest pods', () => {
    expect(describeError(new ForbiddenError('forbidden', 'create', 'pods', 'default', 'exec')).message).toBe('forbidden (missing permission: create pods/exec in namespace default)');
    const many = Array.from({ length: 12 }, (_, i) => `default/web-${i}`);
    expect(describeError(new PodNotFoundError('no pod', many))).toEqual({ message: 'no pod', candidates: many.slice(0, 10) });
    expect(describeError({ message: 'plain', permission: 'get pods (cluster scope)' }).message).toBe('plain (missing permission: get pods (cluster scope))');
    expect(describeError('text')).toEqual({ message: 'text' });
  });
});
