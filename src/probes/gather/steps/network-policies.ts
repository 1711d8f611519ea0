/** NetworkPolicies of the pod's and CoreDNS's namespaces, with the labels their selectors match: `network-policies` evidence. */
import { readNetworkPolicies } from '../cluster-reads.js';
import { defineStep } from '../step-graph.js';
import { dnsSideStep } from './dns-side.js';
import { namespacesStep } from './namespaces.js';

export const networkPoliciesStep = defineStep({
  name: 'network policies',
  inputs: { namespaces: namespacesStep, dnsSide: dnsSideStep },
  async run(ctx, { namespaces, dnsSide }) {
    const corednsPods = dnsSide.then((d) => d.value?.corednsPods ?? []);
    return { value: undefined, evidence: await readNetworkPolicies(ctx.access, ctx.pod, ctx.coredns, namespaces.then((n) => n.value), corednsPods, ctx.timeouts.readMs) };
  },
});
