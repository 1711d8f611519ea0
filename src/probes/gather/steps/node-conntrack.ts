/**
 * Conntrack statistics of the target's node and the CoreDNS nodes (insert_failed, drop, table count
 * and max: `conntrack` evidence), read by a hostNetwork probe pod per node, so the counters are the
 * node's own. The intermittent-timeouts check cites them. Opt-in (`nodeConntrack`): a hostNetwork pod
 * needs a namespace whose Pod Security level allows it.
 */
import { probePodImage } from '../../../core/cluster-access.js';
import { probeCommand, probeName, probePodLabels, runProbePod, type ProbeSpecJson } from '../probe-pods.js';
import { defineStep } from '../step-graph.js';
import { dnsSideStep } from './dns-side.js';
import { nodesStep } from './nodes.js';
import { probePlanStep } from './probe-plan.js';

export const nodeConntrackStep = defineStep({
  name: 'node conntrack',
  inputs: { plan: probePlanStep, dnsSide: dnsSideStep, nodes: nodesStep },
  async run(ctx, inputs) {
    const plan = (await inputs.plan).value;
    if (!plan || ctx.options.nodeConntrack !== true) return { value: undefined, evidence: [] };
    const [{ value: dns }, { value: nodeList }] = await Promise.all([inputs.dnsSide, inputs.nodes]);
    const nodes = [...new Set([ctx.pod.node, ...(dns?.corednsPods ?? []).map((p) => p.node)].filter(Boolean))];
    const lists = await Promise.all(
      nodes.map((node) => {
        const nodeIp = nodeList?.find((n) => n.name === node)?.ip;
        const spec: ProbeSpecJson = { mode: 'conntrack', name: ctx.target.name, dnsServiceIp: plan.dnsServiceIp, node };
        return runProbePod(ctx.access, {
          label: `conntrack probe on ${node}`,
          what: `the conntrack statistics of ${node}`,
          pod: {
            namespace: ctx.pod.namespace,
            name: probeName('dnswhy-ct'),
            labels: { ...probePodLabels, 'dnswhy.io/role': 'conntrack' },
            ...probePodImage(ctx.probeImage),
            command: probeCommand(spec),
            nodeName: node,
            hostNetwork: true,
            dnsPolicy: 'ClusterFirstWithHostNet',
            activeDeadlineSeconds: Math.ceil(plan.deadlineMs / 1000) + 30,
          },
          origin: () => ({ kind: 'node', name: node, ...(nodeIp ? { ip: nodeIp } : {}) }),
          timeoutMs: plan.deadlineMs,
          pullBudgetMs: ctx.timeouts.pullMs,
          ...(ctx.options.pollMs ? { pollMs: ctx.options.pollMs } : {}),
        });
      }),
    );
    return { value: undefined, evidence: lists.flat() };
  },
});
