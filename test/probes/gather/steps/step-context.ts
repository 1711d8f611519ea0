/**
 * A GatherContext for running one gather step on its own. Its cluster access is a stand-in that
 * fails any call, so a step test also proves the step does not talk to the cluster.
 */
import type { ClusterAccess, ClusterPod } from '../../../../src/core/cluster-access.js';
import { defaultCorednsLocation } from '../../../../src/core/model/coredns-location.js';
import type { NetworkPosition } from '../../../../src/core/network-position.js';
import { defaultTimeouts, type GatherOptions, type GatherTarget } from '../../../../src/probes/gather/gather-options.js';
import type { GatherContext, StepResult } from '../../../../src/probes/gather/step-graph.js';
import { startTiming } from '../../../../src/probes/gather/run-step.js';

export const pod: ClusterPod = {
  namespace: 'shop',
  name: 'web-1',
  ip: '10.244.2.7',
  node: 'node-b',
  phase: 'Running',
  ready: true,
  hostNetwork: false,
  dnsPolicy: 'ClusterFirst',
  hostAliases: [],
  labels: { app: 'web' },
  containers: ['web'],
  restarts: 0,
};

const noCluster = new Proxy({} as ClusterAccess, {
  get: (_, prop) => {
    throw new Error(`this step must not use the cluster (it read ClusterAccess.${String(prop)})`);
  },
});

const noNetwork: NetworkPosition = {
  dial: (ip) => {
    throw new Error(`this step must not send packets (it dialled ${ip})`);
  },
  bindAddress: () => '127.0.0.1',
  reverse: (host, port) => ({ ip: host, port }),
};

export function stepContext(over: { target?: Partial<GatherTarget>; options?: Partial<GatherOptions>; probeMode?: GatherContext['probeMode']; progress?: string[] } = {}): GatherContext {
  return {
    access: noCluster,
    target: { pod: 'shop/web-1', name: 'api.example', ...over.target },
    pod,
    container: 'web',
    coredns: defaultCorednsLocation,
    timeouts: defaultTimeouts,
    probeMode: over.probeMode ?? 'twin-pod',
    probeImage: { image: 'dnswhy:test' },
    options: { network: noNetwork, ...over.options },
    progress: (s) => over.progress?.push(s),
    started: startTiming(),
  };
}

/** An input result, as a finished step hands it on. */
export const done = <T>(value: T, evidence: StepResult<T>['evidence'] = []): Promise<StepResult<T>> => Promise.resolve({ value, evidence });
