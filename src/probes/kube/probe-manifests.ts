/**
 * The Pod and ephemeral-container bodies dnswhy sends for its probes, as pure functions: the
 * Kubernetes adapter posts them, and the packed-install test runs their exact `command` arrays the
 * way a kubelet would (uid 65532, read-only root file system, no writable folder).
 */
import type { V1EphemeralContainer, V1Pod, V1SecurityContext } from '@kubernetes/client-node';
import type { EphemeralContainerSpec, ProbePodSpec } from '../../core/cluster-access.js';

/** The uid and gid the image runs as (deploy/Dockerfile `USER 65532:65532`). */
export const probeUser = 65532;

/**
 * Meets the "restricted" Pod Security Standard, so probes run in locked-down namespaces too; the
 * root file system is read-only because the probe writes nothing.
 */
export function probeContainerSecurity(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: probeUser,
    runAsGroup: probeUser,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * A probe pod. It tolerates every taint: it is pinned to its node on purpose (the node whose view
 * it measures), and an untolerated NoExecute taint would have the kubelet refuse it at once.
 */
export function probePodManifest(spec: ProbePodSpec): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
    spec: {
      restartPolicy: 'Never',
      ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
      tolerations: [{ operator: 'Exists' }],
      dnsPolicy: spec.dnsPolicy,
      ...(spec.dnsConfig ? { dnsConfig: spec.dnsConfig } : {}),
      ...(spec.hostAliases?.length ? { hostAliases: spec.hostAliases } : {}),
      ...(spec.hostNetwork ? { hostNetwork: true } : {}),
      ...(spec.activeDeadlineSeconds ? { activeDeadlineSeconds: spec.activeDeadlineSeconds } : {}),
      ...(spec.imagePullSecrets?.length ? { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) } : {}),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: probeUser, runAsGroup: probeUser, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image: spec.image,
          ...(spec.imagePullPolicy ? { imagePullPolicy: spec.imagePullPolicy } : {}),
          command: spec.command,
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          securityContext: probeContainerSecurity(),
        },
      ],
    },
  };
}

/** An ephemeral probe container (opt-in probe mode): same image, command and security as a probe pod. */
export function ephemeralContainerManifest(spec: EphemeralContainerSpec): V1EphemeralContainer {
  return {
    name: spec.name,
    image: spec.image,
    ...(spec.imagePullPolicy ? { imagePullPolicy: spec.imagePullPolicy } : {}),
    command: spec.command,
    ...(spec.targetContainerName ? { targetContainerName: spec.targetContainerName } : {}),
    securityContext: probeContainerSecurity(),
  };
}
