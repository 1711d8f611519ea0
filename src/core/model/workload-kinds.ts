/**
 * The kinds of workload dnswhy reads, names and patches (a pod template it can change), each defined
 * once with the words kubectl and the API use for it; and the kinds that may own a pod.
 */

/** Workloads whose pod template a fix may patch, and that a `deploy/NAME` argument may name. */
export const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof workloadKinds)[number];

/** Kinds that may own a pod: the workloads, and the controllers that stand between them and the pod or own it alone. */
export const ownerKinds = [...workloadKinds, 'ReplicaSet', 'Job'] as const;
export type OwnerKind = (typeof ownerKinds)[number];

/** kubectl's short name of each workload kind, as pod arguments and reports write it (`deploy/web`). */
export const workloadShortNames: Readonly<Record<WorkloadKind, string>> = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds' };

/** The API resource (plural) of each workload kind, as RBAC rules and API errors name it. */
export const workloadResources: Readonly<Record<WorkloadKind, string>> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

/** True when an owner's kind is a workload dnswhy reads and patches (an owner may be any kind). */
export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (workloadKinds as readonly string[]).includes(kind);
}
