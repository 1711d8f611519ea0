/**
 * The pod itself: `pod` evidence with its owner (the workload a fix is proposed against, with the
 * version it is proposed at) and its zone. The owner is read at once, beside every other step.
 */
import type { ClusterAccess, ClusterPod } from '../../../core/cluster-access.js';
import { isWorkloadKind, type Evidence, type OwnerRef, type PodFacts } from '../../../core/model/index.js';
import { defineStep } from '../step-graph.js';
import { nodesStep } from './nodes.js';

const settle = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

export const podFactsStep = defineStep({
  name: 'pod',
  inputs: { nodes: nodesStep },
  async run(ctx, { nodes }) {
    const { pod } = ctx;
    const ownerP = pod.directOwner ? settle(ownerWithVersion(ctx.access, pod.namespace, pod.directOwner)) : Promise.resolve(undefined);
    const [owner, nodeList] = await Promise.all([ownerP, nodes]);
    const zone = (nodeList.value ?? []).find((n) => n.name === pod.node)?.zone;
    const value = toPodFacts(pod, owner ?? pod.directOwner, zone);
    const evidence: Evidence[] = [{ id: '', kind: 'pod', from: { kind: 'api' }, at: ctx.started.at, ms: 0, pod: value }];
    return { value, evidence };
  },
});

/** The top-level owner, with the workload's resourceVersion and generation (what a workload fix is proposed against). */
async function ownerWithVersion(access: ClusterAccess, namespace: string, direct: OwnerRef): Promise<OwnerRef> {
  const top = await access.resolveOwner(namespace, direct);
  if (!isWorkloadKind(top.kind)) return top;
  const w = await settle(access.readWorkload(top.kind, namespace, top.name));
  return w ? { ...top, resourceVersion: w.resourceVersion, ...(w.generation !== undefined ? { generation: w.generation } : {}) } : top;
}

function toPodFacts(p: ClusterPod, owner: PodFacts['owner'], zone: string | undefined): PodFacts {
  return {
    namespace: p.namespace,
    name: p.name,
    ip: p.ip,
    node: p.node,
    ...(zone ? { zone } : {}),
    phase: p.phase,
    ready: p.ready,
    hostNetwork: p.hostNetwork,
    dnsPolicy: p.dnsPolicy,
    ...(p.dnsConfig ? { dnsConfig: p.dnsConfig } : {}),
    hostAliases: p.hostAliases,
    ...(owner ? { owner } : {}),
    labels: p.labels,
    containers: p.containers,
  };
}
