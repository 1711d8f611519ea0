/** Every Service and the namespace names: `services` evidence (what the kubernetes plugin answers for). */
import { readServices } from '../cluster-reads.js';
import { defineStep } from '../step-graph.js';
import { namespacesStep } from './namespaces.js';

export const servicesStep = defineStep({
  name: 'services',
  inputs: { namespaces: namespacesStep },
  async run(ctx, { namespaces }) {
    return { value: undefined, evidence: await readServices(ctx.access, namespaces.then((n) => n.value), ctx.timeouts.readMs) };
  },
});
