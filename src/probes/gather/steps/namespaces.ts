/**
 * Namespace names and labels. No evidence of its own when it works: the services and
 * NetworkPolicy steps put the names and labels into theirs (namespaceSelectors match on labels).
 */
import { defineStep } from '../step-graph.js';
import { probeError, startTiming, withTimeout } from '../run-step.js';

export const namespacesStep = defineStep({
  name: 'namespaces',
  inputs: {},
  async run(ctx) {
    const t = startTiming();
    try {
      return { value: await withTimeout('list namespaces', ctx.timeouts.readMs, ctx.access.listNamespaces()), evidence: [] };
    } catch (err) {
      return { value: undefined, evidence: [probeError('list namespaces', 'namespace names and labels (NetworkPolicy namespaceSelectors)', err, t, { kind: 'api' })] };
    }
  },
});
