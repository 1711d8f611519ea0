/**
 * The pod itself: `pod` evidence with its owner (the workload a fix is proposed against, with the
 * version it is proposed at) and its zone. The owner is read at once, beside every other step.
 */
import type { ClusterAccess, ClusterPod } from '../../../core/cluster-access.js';
import { isWorkloadKind, type Evidence, type OwnerRef, type PodFacts, type ProbeErrorEvidence } from '../../../core/model/index.js';
import { probeError, startTiming } from '../run-step.js';
import { defineStep } from '../step-graph.js';
import { nodesStep } from './nodes.js';


export const podFactsStep = defineStep({
  name: 'pod',
  inputs: { nodes: nodesStep },
  async run(ctx, { nodes }) {
    const { pod } = ctx;
    const unread: ProbeErrorEvidence[] = [];
    const ownerP = pod.directOwner ? ownerWithVersion(ctx.access, pod.namespace, pod.directOwner, unread) : Promise.resolve(undefined);
    const [owner, nodeList] = await Promise.all([ownerP, nodes]);
    const zone = (nodeList.value ?? []).find((n) => n.name === pod.node)?.zone;
    const value = toPodFacts(pod, owner ?? pod.directOwner, zone);
    const evidence: Evidence[] = [{ id: '', kind: 'pod', from: { kind: 'api' }, at: ctx.started.at, ms: 0, pod: value }, ...unread];
    return { value, evidence };
  },
});

/**
 * The top-level owner, with the workload's resourceVersion and generation (what a workload fix is proposed
 * against). An owner that cannot be read (a kind the API does not serve, no permission, deleted) leaves the
 * part known so far and a probe error in `unread`, so the report says what it could not see instead of failing.
 */
async function ownerWithVersion(access: ClusterAccess, namespace: string, direct: OwnerRef, unread: ProbeErrorEvidence[]): Promise<OwnerRef> {
  const t = startTiming();
  let top: OwnerRef;
  try {
    top = await access.resolveOwner(namespace, direct);
  } catch (err) {
    unread.push(probeError('owner', `the owner ${direct.kind} ${namespace}/${direct.name}`, err, t, { kind: 'api' }));
    return direct;
  }
  if (!isWorkloadKind(top.kind)) return top;
  try {
    const w = await access.readWorkload(top.kind, namespace, top.name);
    return { ...top, resourceVersion: w.resourceVersion, ...(w.generation !== undefined ? { generation: w.generation } : {}) };
  } catch (err) {
    unread.push(probeError('owner', `the workload ${top.kind} ${namespace}/${top.name}`, err, t, { kind: 'api' }));
    return top;
  }
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
