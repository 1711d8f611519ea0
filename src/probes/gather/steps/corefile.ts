/** The `coredns` ConfigMap (and `coredns-custom`): `corefile` evidence, and the upstreams the node-view probes ask. */
import { readCorefile } from '../cluster-reads.js';
import { defineStep } from '../step-graph.js';

export const corefileStep = defineStep({
  name: 'corefile',
  inputs: {},
  async run(ctx) {
    const r = await readCorefile(ctx.access, ctx.coredns, ctx.timeouts.readMs);
    return { value: r.ok ? r.value : undefined, evidence: r.evidence };
  },
});
