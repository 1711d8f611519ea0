/** The DNS Service, its EndpointSlices and the CoreDNS pods: `endpoints` evidence, and where the probes aim. */
import { readDnsSide } from '../cluster-reads.js';
import { defineStep } from '../step-graph.js';
import { nodesStep } from './nodes.js';

export const dnsSideStep = defineStep({
  name: 'dns side',
  // Nodes only give the endpoints their zones; the DNS reads themselves start at once.
  inputs: { nodes: nodesStep },
  async run(ctx, { nodes }) {
    const r = await readDnsSide(ctx.access, ctx.coredns, nodes.then((n) => n.value), ctx.timeouts.readMs);
    return { value: r.ok ? r.value : undefined, evidence: r.evidence };
  },
});
