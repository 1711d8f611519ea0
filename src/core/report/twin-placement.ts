/**
 * When the twin probe pod ran outside the diagnosed pod's namespace (a probe namespace, because the
 * worker may not create pods in the pod's own), the report says so and what that twin cannot show:
 * it had the pod's node, resolv.conf and /etc/hosts entries, so its lookups and connections are the
 * pod's, but NetworkPolicies treat it as a pod of the probe namespace.
 */
import type { Evidence, PodFacts } from '../model/index.js';

export function twinPlacementNote(pod: Pick<PodFacts, 'namespace' | 'name'>, evidence: readonly Evidence[]): string | undefined {
  const twinOf = `${pod.namespace}/${pod.name}`;
  for (const e of evidence) {
    const f = e.from;
    if (f.kind !== 'probe-pod' || f.twinOf !== twinOf || !f.displacedBecause) continue;
    return (
      `The twin probe pod ran in namespace ${f.namespace}, not ${pod.namespace} (${f.displacedBecause}). ` +
      `It had the pod's node, /etc/hosts entries and a copy of its resolv.conf, so its lookups are the pod's; ` +
      `but NetworkPolicies applied to it as to a pod of ${f.namespace} (a default-deny in ${pod.namespace}, ` +
      `CoreDNS ingress rules that admit namespaces by label), so their effect on the pod is judged from their rules only. ` +
      `Grant the worker create and delete on pods in ${pod.namespace} for a twin there.`
    );
  }
  return undefined;
}
