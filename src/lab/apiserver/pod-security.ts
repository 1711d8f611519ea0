/**
 * Pod Security admission as the API server enforces it on pod creation: the namespace's
 * `pod-security.kubernetes.io/enforce` label (privileged | baseline | restricted) picks the level,
 * and a pod that violates it is refused with a 403 whose message lists each violation in the
 * API server's words. (Like the real plugin it checks pods only; Deployments are not refused.)
 */
import { ApiError } from './status.js';

export const podSecurityLevels = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof podSecurityLevels)[number];
export const enforceLabel = 'pod-security.kubernetes.io/enforce';

/** Capabilities baseline allows to be added. */
const baselineCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Volume types restricted allows. */
const restrictedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** The level a namespace's labels enforce (privileged when unset or unknown, as the plugin's default). */
export function enforcedLevel(labels: Record<string, string> | undefined): PodSecurityLevel {
  const v = labels?.[enforceLabel];
  return (podSecurityLevels as readonly string[]).includes(v ?? '') ? (v as PodSecurityLevel) : 'privileged';
}

const quoteList = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
const containersWord = (names: string[]) => `${names.length === 1 ? 'container' : 'containers'} ${quoteList(names)}`;

/** Each violation of `level` by a pod spec, worded as the PodSecurity plugin words it. */
export function podSecurityViolations(spec: any, level: PodSecurityLevel): string[] {
  if (level === 'privileged') return [];
  const out: string[] = [];
  const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const psc = spec.securityContext ?? {};
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  if (hostNs.length) out.push(`host namespaces (${hostNs.map((k) => `${k}=true`).join(', ')})`);
  const privileged = containers.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  if (privileged.length) out.push(`privileged (${containersWord(privileged)} must not set securityContext.privileged=true)`);
  const added = containers.flatMap((c) => (c.securityContext?.capabilities?.add ?? []).filter((cap: string) => !baselineCapabilities.has(cap)).map((cap: string) => [c.name, cap] as const));
  if (added.length) out.push(`non-default capabilities (${containersWord([...new Set(added.map((a) => a[0]))])} must not include ${quoteList([...new Set(added.map((a) => a[1]))])} in securityContext.capabilities.add)`);
  const hostPath = (spec.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => v.name);
  if (hostPath.length) out.push(`hostPath volumes (${hostPath.length === 1 ? 'volume' : 'volumes'} ${quoteList(hostPath)})`);
  const hostPorts = containers.flatMap((c) => (c.ports ?? []).filter((p: any) => p.hostPort).map((p: any) => [c.name, p.hostPort] as const));
  if (hostPorts.length) out.push(`hostPort (${containersWord([...new Set(hostPorts.map((h) => h[0]))])} uses ${hostPorts.length === 1 ? 'hostPort' : 'hostPorts'} ${hostPorts.map((h) => h[1]).join(', ')})`);
  if (level !== 'restricted') return out;

  const other = (spec.volumes ?? []).filter((v: any) => !v.hostPath && !restrictedVolumes.some((k) => k in v));
  if (other.length) out.push(`restricted volume types (${other.map((v: any) => `volume "${v.name}" uses restricted volume type "${Object.keys(v).find((k) => k !== 'name')}"`).join(', ')})`);
  const escalation = containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
  if (escalation.length) out.push(`allowPrivilegeEscalation != false (${containersWord(escalation)} must set securityContext.allowPrivilegeEscalation=false)`);
  const caps = containers.filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL')).map((c) => c.name);
  if (caps.length) out.push(`unrestricted capabilities (${containersWord(caps)} must set securityContext.capabilities.drop=["ALL"])`);
  const nonRoot = containers.filter((c) => (c.securityContext?.runAsNonRoot ?? psc.runAsNonRoot) !== true).map((c) => c.name);
  if (nonRoot.length) out.push(`runAsNonRoot != true (pod or ${containersWord(nonRoot)} must set securityContext.runAsNonRoot=true)`);
  const root = containers.filter((c) => (c.securityContext?.runAsUser ?? psc.runAsUser) === 0).map((c) => c.name);
  if (root.length) out.push(`runAsUser=0 (pod or ${containersWord(root)} must not set runAsUser=0)`);
  const seccompOk = (p: any) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
  const seccomp = containers.filter((c) => !seccompOk(c.securityContext?.seccompProfile ?? psc.seccompProfile)).map((c) => c.name);
  if (seccomp.length) out.push(`seccompProfile (pod or ${containersWord(seccomp)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`);
  return out;
}

/** The API server's refusal of a pod that violates its namespace's level. */
export function podSecurityRefusal(name: string, level: PodSecurityLevel, violations: string[]): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `pods "${name}" is forbidden: violates PodSecurity "${level}:latest": ${violations.join(', ')}`,
    reason: 'Forbidden',
    details: { name, kind: 'pods' },
    code: 403,
  });
}
