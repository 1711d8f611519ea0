/** Whether NodeLocal DNSCache is installed, and its address: `nodelocaldns` evidence. */
import { readNodeLocalDns } from '../cluster-reads.js';
import { defineStep } from '../step-graph.js';

export const nodeLocalDnsStep = defineStep({
  name: 'nodelocal dns',
  inputs: {},
  async run(ctx) {
    return { value: undefined, evidence: await readNodeLocalDns(ctx.access, ctx.coredns, ctx.timeouts.readMs) };
  },
});
