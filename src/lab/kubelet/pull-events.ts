/**
 * The Events a kubelet records while it pulls a container's image ("Pulling", then "Pulled"), as
 * `kubectl describe pod` shows them. They are how a client tells a pod that waits for its image from
 * one whose sandbox is still being created: both are Pending with the container waiting in
 * ContainerCreating.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectStore } from '../state/object-store.js';
import { resourceByKind } from '../state/resources.js';

/** Records one kubelet Event about the pod's first container. */
export function recordPullEvent(store: ObjectStore, pod: KubeObject, reason: 'Pulling' | 'Pulled', message: string): void {
  const spec = (pod as { spec?: { nodeName?: string; containers?: { name: string }[] } }).spec;
  const node = spec?.nodeName ?? '';
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  store.create(resourceByKind('Event')!, {
    apiVersion: 'v1',
    kind: 'Event',
    // The kubelet names events <pod>.<unique hex>.
    metadata: { namespace: pod.metadata.namespace, name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}` },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      fieldPath: `spec.containers{${spec?.containers?.[0]?.name ?? ''}}`,
    },
    reason,
    message,
    type: 'Normal',
    source: { component: 'kubelet', host: node },
    reportingComponent: 'kubelet',
    reportingInstance: node,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  } as KubeObject);
}
