/**
 * Which ingress NetworkPolicies admit clients by their namespace: a rule peer with a non-empty
 * namespaceSelector, or a podSelector alone (which means "pods of the policy's own namespace"). A
 * twin probe pod in another namespace than the diagnosed pod would be admitted or refused by such a
 * policy as a pod of that other namespace, so its packets would not speak for the pod. Policies
 * that admit everyone (no `from`, or `namespaceSelector: {}` alone), or no one, treat both alike.
 */

interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  podSelector?: unknown;
  ipBlock?: unknown;
}
interface Policy {
  metadata?: { name?: string };
  spec?: { policyTypes?: string[]; ingress?: { from?: Peer[] }[]; egress?: unknown[] };
}

const nonEmpty = (s: Peer['namespaceSelector']) => Object.keys(s?.matchLabels ?? {}).length > 0 || (s?.matchExpressions?.length ?? 0) > 0;

/** Names of the policies (in the order given) whose ingress rules tell namespaces apart. */
export function namespaceScopedIngress(policies: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const raw of policies) {
    const p = raw as Policy;
    const types = p.spec?.policyTypes?.length ? p.spec.policyTypes : ['Ingress'];
    if (!types.includes('Ingress')) continue;
    const scoped = (p.spec?.ingress ?? []).some((rule) => (rule.from ?? []).some((peer) => nonEmpty(peer.namespaceSelector) || (peer.podSelector !== undefined && peer.namespaceSelector === undefined)));
    if (scoped) out.push(p.metadata?.name ?? '(unnamed)');
  }
  return out;
}
