/**
 * Fixed option values of CoreDNS plugins that both the validator (which rejects anything else, as
 * CoreDNS's setup does) and the evaluator (which acts on them) must agree on: one list each.
 */

/** forward's `policy` values (plugin/forward/setup.go). */
export const forwardPolicies = ['random', 'round_robin', 'sequential'] as const;
export type ForwardPolicy = (typeof forwardPolicies)[number];

/** kubernetes' `pods` modes (plugin/kubernetes/setup.go). */
export const kubernetesPodModes = ['disabled', 'insecure', 'verified'] as const;
export type KubernetesPodMode = (typeof kubernetesPodModes)[number];

/** rewrite's name match types (plugin/rewrite/name.go); `exact` is the default. */
export const rewriteNameMatchTypes: readonly string[] = ['exact', 'prefix', 'suffix', 'substring', 'regex'];

/** True when `value` is one of `list` (narrowing it to the list's values). */
export function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
