/**
 * Node-view probe pods (dnsPolicy Default, pinned to a node, so their resolv.conf is the node's)
 * on the pod's node and on every CoreDNS node: what each node's own resolvers and the Corefile's
 * upstreams answer for the name as that node sees them (CoreDNS forwards from its own node).
 */
import { probePodImage } from '../../../core/cluster-access.js';
import { probeCommand, probeName, probePodLabels, runProbePod, type ProbeSpecJson } from '../probe-pods.js';
import { defineStep } from '../step-graph.js';
import { dnsSideStep } from './dns-side.js';
import { nodesStep } from './nodes.js';
import { probePlanStep } from './probe-plan.js';

export const nodeViewProbesStep = defineStep({
  name: 'node-view probes',
  inputs: { plan: probePlanStep, dnsSide: dnsSideStep, nodes: nodesStep },
  async run(ctx, inputs) {
    const plan = (await inputs.plan).value;
    if (!plan) return { value: undefined, evidence: [] };
    const [{ value: dns }, { value: nodeList }] = await Promise.all([inputs.dnsSide, inputs.nodes]);
    const { target, pod } = ctx;
    const viewNodes = ctx.options.nodeView === false ? [] : [...new Set([pod.node, ...(dns?.corednsPods ?? []).map((p) => p.node)].filter(Boolean))];
    const lists = await Promise.all(
      viewNodes.map((node) => {
        const name = probeName('dnswhy-node');
        const facts = nodeList?.find((n) => n.name === node);
        const nodeIp = facts?.ip;
        const spec: ProbeSpecJson = {
          mode: 'node-view',
          name: target.name,
          dnsServiceIp: plan.dnsServiceIp,
          endpoints: plan.endpoints,
          tcpPorts: plan.tcpPorts,
          upstreams: plan.upstreams.map((u) => ({ ip: u.ip, port: u.port })),
          node,
          ...(facts?.zone ? { zone: facts.zone } : {}),
        };
        const namespace = ctx.probeNamespace ?? pod.namespace;
        const labels = { ...probePodLabels, 'dnswhy.io/role': 'node-view' };
        return runProbePod(ctx.access, {
          label: `node-view probe on ${node}`,
          what: `what ${node}'s own resolvers${plan.upstreams.length ? ' and the Corefile upstreams' : ''} answer for ${target.name} as seen from that node`,
          pod: {
            // The node's view does not depend on a namespace: the probe namespace when there is one.
            namespace,
            name,
            labels,
            ...probePodImage(ctx.probeImage),
            command: probeCommand(spec),
            nodeName: node,
            dnsPolicy: 'Default',
            activeDeadlineSeconds: Math.ceil(plan.deadlineMs / 1000) + 30,
          },
          origin: () => ({ kind: 'node', name: node, ...(nodeIp ? { ip: nodeIp } : {}), probePod: { namespace, labels } }),
          timeoutMs: plan.deadlineMs,
          pullBudgetMs: ctx.timeouts.pullMs,
          ...(ctx.options.pollMs ? { pollMs: ctx.options.pollMs } : {}),
        });
      }),
    );
    return { value: undefined, evidence: lists.flat() };
  },
});
