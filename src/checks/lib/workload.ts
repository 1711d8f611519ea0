/**
 * Workload fixes: strategic merge patches on the pod template of the pod's owning Deployment,
 * StatefulSet or DaemonSet, never on the pod (a pod's spec is immutable and the owner would
 * recreate it unchanged). The diff shows the pod template fields before and after.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { isWorkloadKind, type FixDurability, type FixSimulation, type HostAlias, type PodDnsConfig, type PodFacts, type Risk, type WorkloadPatchFix } from '../../core/model/index.js';

/** The owner a workload patch targets, or undefined for a bare pod, a Job or an unknown owner. */
export function ownerTarget(pod: PodFacts): WorkloadPatchFix['target'] | undefined {
  const o = pod.owner;
  if (!o) return undefined;
  if (!isWorkloadKind(o.kind)) return undefined;
  // resourceVersion and generation as read: apply refuses when the owner's spec changed since.
  return {
    kind: o.kind,
    namespace: pod.namespace,
    name: o.name,
    ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}),
    ...(o.generation !== undefined ? { generation: o.generation } : {}),
  };
}

/** Why no workload patch can be offered, for explanations. */
export function noOwnerReason(pod: PodFacts): string {
  if (!pod.owner) return `${pod.namespace}/${pod.name} has no owning workload, so there is no pod template to patch`;
  return `${pod.namespace}/${pod.name} is owned by ${pod.owner.kind} ${pod.owner.name}, which dnswhy does not patch`;
}

function templateYaml(spec: Record<string, unknown>): string {
  return stringify({ spec: { template: { spec } } });
}

interface PatchParts {
  title: string;
  changes: string;
  blastRadius: string;
  risk: Risk;
  durability?: FixDurability;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  patch: Record<string, unknown>;
  simulation?: FixSimulation;
}

function build(pod: PodFacts, parts: PatchParts): WorkloadPatchFix | undefined {
  const target = ownerTarget(pod);
  if (!target) return undefined;
  const file = `${target.kind.toLowerCase()}/${target.name}`;
  return {
    kind: 'workload-patch',
    title: parts.title,
    blastRadius: parts.blastRadius,
    risk: parts.risk,
    scope: 'workload',
    ...(parts.durability ? { durability: parts.durability } : {}),
    target,
    patch: { spec: { template: { spec: parts.patch } } },
    diff: createTwoFilesPatch(file, file, templateYaml(parts.before), templateYaml(parts.after), 'before', 'after'),
    changes: parts.changes,
    ...(parts.simulation ? { simulation: parts.simulation } : {}),
  };
}

/**
 * Pins `name` to `ips` in the owner's hostAliases. Other hostAliases entries are kept; an existing
 * entry for the name is replaced. The list is sent whole with `$patch: replace` because hostAliases
 * merge by ip, which would keep a stale entry for the same name.
 */
export function hostAliasesFix(pod: PodFacts, name: string, ips: string[], why: { title: string; risk: Risk; simulation?: FixSimulation }): WorkloadPatchFix | undefined {
  const target = ownerTarget(pod);
  if (!target) return undefined;
  const kept: HostAlias[] = pod.hostAliases
    .map((h) => ({ ip: h.ip, hostnames: h.hostnames.filter((n) => n.toLowerCase().replace(/\.$/, '') !== name) }))
    .filter((h) => h.hostnames.length > 0);
  const next: HostAlias[] = [...kept, ...ips.map((ip) => ({ ip, hostnames: [name] }))];
  return build(pod, {
    title: why.title,
    changes: ips.length > 0 ? `hostAliases of ${target.kind} ${target.name}: ${name} → ${ips.join(', ')}` : `hostAliases of ${target.kind} ${target.name}: remove ${name}`,
    blastRadius: `Only the pods of ${target.kind} ${target.namespace}/${target.name} (rolled out again); every other workload keeps using cluster DNS.`,
    risk: why.risk,
    // A pinned address goes stale when the service behind the name moves.
    durability: 'stop-gap',
    before: { hostAliases: pod.hostAliases },
    after: { hostAliases: next },
    patch: { hostAliases: [{ $patch: 'replace' }, ...next] },
    ...(why.simulation ? { simulation: why.simulation } : {}),
  });
}

/** Sets dnsConfig options on the owner, keeping the other options the pod already has. */
export function dnsOptionsFix(pod: PodFacts, options: { name: string; value?: string }[], why: { title: string; changes: string; risk: Risk; blastRadius?: string }): WorkloadPatchFix | undefined {
  const target = ownerTarget(pod);
  if (!target) return undefined;
  const current: PodDnsConfig = pod.dnsConfig ?? {};
  const names = new Set(options.map((o) => o.name));
  const nextOptions = [...(current.options ?? []).filter((o) => !names.has(o.name)), ...options];
  const next: PodDnsConfig = { ...current, options: nextOptions };
  return build(pod, {
    title: why.title,
    changes: why.changes,
    blastRadius: why.blastRadius ?? `Only the pods of ${target.kind} ${target.namespace}/${target.name} (rolled out again).`,
    risk: why.risk,
    before: { dnsConfig: current },
    after: { dnsConfig: next },
    patch: { dnsConfig: { options: nextOptions } },
  });
}

/** Sets the owner's dnsPolicy (and hostNetwork-aware variants). */
export function dnsPolicyFix(pod: PodFacts, policy: PodFacts['dnsPolicy'], why: { title: string; changes: string; risk: Risk }): WorkloadPatchFix | undefined {
  return build(pod, {
    title: why.title,
    changes: why.changes,
    blastRadius: ownerTarget(pod) ? `Only the pods of ${ownerTarget(pod)!.kind} ${pod.namespace}/${ownerTarget(pod)!.name} (rolled out again).` : '',
    risk: why.risk,
    before: { dnsPolicy: pod.dnsPolicy },
    after: { dnsPolicy: policy },
    patch: { dnsPolicy: policy },
  });
}

/** Replaces the owner's dnsConfig with `next` (searches and nameservers are lists a merge patch replaces whole). */
export function dnsConfigFix(pod: PodFacts, next: PodDnsConfig, why: { title: string; changes: string; risk: Risk }): WorkloadPatchFix | undefined {
  const target = ownerTarget(pod);
  if (!target) return undefined;
  return build(pod, {
    title: why.title,
    changes: why.changes,
    blastRadius: `Only the pods of ${target.kind} ${target.namespace}/${target.name} (rolled out again).`,
    risk: why.risk,
    before: { dnsConfig: pod.dnsConfig ?? {} },
    after: { dnsConfig: next },
    patch: { dnsConfig: next },
  });
}
