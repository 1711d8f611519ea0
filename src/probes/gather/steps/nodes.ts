/** The nodes (zones, pod CIDRs, addresses): `nodes` evidence, and the list later steps place things by. */
import { readNodes } from '../cluster-reads.js';
import { defineStep } from '../step-graph.js';

export const nodesStep = defineStep({
  name: 'nodes',
  inputs: {},
  async run(ctx) {
    const r = await readNodes(ctx.access, ctx.timeouts.readMs);
    return { value: r.ok ? r.value : undefined, evidence: r.evidence };
  },
});
