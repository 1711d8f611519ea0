/**
 * Node taints and pod tolerations, matched as the scheduler and the kubelet match them: a pod bound
 * to a node (spec.nodeName) skips the scheduler, and the kubelet then rejects it when it does not
 * tolerate one of the node's NoExecute taints (the pod fails at once with reason TaintToleration).
 */

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof taintEffects)[number];

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** Whether one toleration tolerates one taint (an empty key with Exists tolerates every taint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** The taints of the given effects that no toleration tolerates. */
export function untolerated(tolerations: readonly Toleration[] | undefined, taints: readonly Taint[] | undefined, effects: readonly TaintEffect[]): Taint[] {
  return (taints ?? []).filter((taint) => effects.includes(taint.effect) && !(tolerations ?? []).some((t) => tolerates(t, taint)));
}

/** The kubelet's rejection of a pod bound to a node whose NoExecute taint it does not tolerate. */
export function taintRejection(taints: readonly Taint[]): { reason: string; message: string } {
  const first = taints[0]!;
  return { reason: 'TaintToleration', message: `Pod was rejected: Predicate TaintToleration failed: node(s) had untolerated taint {${first.key}: ${first.value ?? ''}}` };
}
