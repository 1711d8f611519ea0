/** How long a probe pod may wait on an image pull follows the kubelet's pull policy for its image. */
import { describe, expect, it } from 'vitest';
import { effectivePullPolicy, pullWaitMs } from '../../../src/probes/gather/probe-pods.js';

describe('the pull policy the kubelet applies', () => {
  it('is the given one, else Always for :latest or no tag, else IfNotPresent (a tag or a digest)', () => {
    expect(effectivePullPolicy('ghcr.io/dnswhy/dnswhy:0.1.0', 'Always')).toBe('Always');
    expect(effectivePullPolicy('ghcr.io/dnswhy/dnswhy:0.1.0', undefined)).toBe('IfNotPresent');
    expect(effectivePullPolicy('registry:5000/dnswhy', undefined)).toBe('Always');
    expect(effectivePullPolicy('ghcr.io/dnswhy/dnswhy:latest', undefined)).toBe('Always');
    expect(effectivePullPolicy(`ghcr.io/dnswhy/dnswhy@sha256:${'a'.repeat(64)}`, undefined)).toBe('IfNotPresent');
  });

  it('gives a pull under Always the whole budget (it may only check the registry), and decides at the first poll under IfNotPresent (a pull is a download)', () => {
    const pod = (image: string, imagePullPolicy?: 'Always' | 'IfNotPresent') => ({ namespace: 'ns', name: 'p', labels: {}, image, command: [], dnsPolicy: 'Default' as const, ...(imagePullPolicy ? { imagePullPolicy } : {}) });
    expect(pullWaitMs({ pod: pod('dnswhy:1.0', 'Always'), pullBudgetMs: 1000 })).toBe(1000);
    expect(pullWaitMs({ pod: pod('dnswhy:1.0'), pullBudgetMs: 1000 })).toBe(200);
    expect(pullWaitMs({ pod: pod('dnswhy:1.0'), pullBudgetMs: 100 })).toBe(100);
    expect(pullWaitMs({ pod: pod('dnswhy:1.0') })).toBeUndefined();
  });
});
