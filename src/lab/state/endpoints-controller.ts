/**
 * Endpoints and EndpointSlices from Services' selectors and ready pods, as the endpoints and
 * endpointslice controllers keep them. Writes only when something changed.
 */
import { controllerRef } from './kube-objects.js';
import { randomSuffix } from './names.js';
import type { Change, KubeObject, ObjectStore } from './object-store.js';
import { resourceByKind } from './resources.js';
import type { Rng } from '../net/seeded-rng.js';

const zoneLabel = 'topology.kubernetes.io/zone';

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function podReady(p: any): boolean {
  return p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Resolves a Service port's targetPort against a pod's named container ports. */
function targetPort(port: any, pod: any): number {
  const tp = port.targetPort ?? port.port;
  if (typeof tp === 'number') return tp;
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === tp) return p.containerPort;
  return port.port;
}

export class EndpointsController {
  /** Stable slice names per Service (the controller generates them once). */
  private readonly sliceNames = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly rng: Rng,
  ) {}

  /** Brings every Service's Endpoints and EndpointSlice up to date (all namespaces, or one). */
  reconcile(namespace?: string): void {
    for (const svc of this.store.list('services', namespace)) this.reconcileService(svc);
  }

  /**
   * After a write: a pod change touches only the Services whose selector matches its labels before
   * or after; a Service change touches that Service. Other kinds change nothing here.
   */
  changed(change: Change): void {
    if (change.resource === 'services') {
      if (change.type !== 'DELETED') this.reconcileService(change.object);
      return;
    }
    if (change.resource !== 'pods') return;
    const ns = change.object.metadata.namespace!;
    for (const svc of this.store.list('services', ns)) {
      const selector = (svc['spec'] as any)?.selector;
      if (selector && (matches(selector, change.object.metadata.labels) || matches(selector, change.previous?.metadata.labels))) this.reconcileService(svc);
    }
  }

  private nodesByName(): Map<string, KubeObject> {
    const rev = this.store.revisionOf('nodes');
    if (this.nodes?.rev !== rev) this.nodes = { rev, byName: new Map([...this.store.each('nodes')].map((n) => [n.metadata.name, n])) };
    return this.nodes.byName;
  }
  private nodes: { rev: number; byName: Map<string, KubeObject> } | undefined;

  private reconcileService(svc: KubeObject): void {
    const spec = svc['spec'] as any;
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name;
    if (!spec?.selector || spec.type === 'ExternalName') return;
    const nodes = this.nodesByName();
    // The store's label index finds the selected pods; sorted by name as a namespace list is.
    const pods = this.store
      .withLabels('pods', ns, spec.selector)
      .filter((p) => (p['status'] as any)?.podIP && (p['status'] as any)?.phase !== 'Succeeded' && (p['status'] as any)?.phase !== 'Failed')
      .filter((p) => !p.metadata.deletionTimestamp)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    const ports: any[] = spec.ports ?? [];
    const ref = (p: KubeObject) => ({ kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid });
    const epPorts = (p?: KubeObject) => ports.map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: p ? targetPort(sp, p) : typeof sp.targetPort === 'number' ? sp.targetPort : sp.port, protocol: sp.protocol ?? 'TCP' }));
    const ready = pods.filter(podReady);
    const notReady = pods.filter((p) => !podReady(p));
    const subsets =
      pods.length === 0
        ? undefined
        : [
            {
              ...(ready.length ? { addresses: ready.map((p) => ({ ip: (p['status'] as any).podIP, nodeName: (p['spec'] as any).nodeName, targetRef: ref(p) })) } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady.map((p) => ({ ip: (p['status'] as any).podIP, nodeName: (p['spec'] as any).nodeName, targetRef: ref(p) })) } : {}),
              ports: epPorts(pods[0]),
            },
          ];
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: ns, labels: { ...(svc.metadata.labels ?? {}) } },
      ...(subsets ? { subsets } : {}),
    };
    this.write('Endpoints', endpoints, (o) => JSON.stringify(o['subsets'] ?? null) + JSON.stringify(o.metadata.labels));

    const key = `${ns}/${name}`;
    let sliceName = this.sliceNames.get(key);
    if (!sliceName) {
      sliceName = `${name}-${randomSuffix(this.rng)}`;
      this.sliceNames.set(key, sliceName);
    }
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName,
        namespace: ns,
        generateName: `${name}-`,
        labels: {
          ...(svc.metadata.labels ?? {}),
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          'kubernetes.io/service-name': name,
        },
        ownerReferences: [controllerRef('Service', name, svc.metadata.uid!, 'v1')],
      },
      addressType: 'IPv4',
      endpoints: pods.map((p) => {
        const nodeName = (p['spec'] as any).nodeName as string;
        const zone = nodes.get(nodeName)?.metadata.labels?.[zoneLabel];
        const r = podReady(p);
        return {
          addresses: [(p['status'] as any).podIP],
          conditions: { ready: r, serving: r, terminating: false },
          nodeName,
          targetRef: ref(p),
          ...(zone ? { zone } : {}),
        };
      }),
      ports: epPorts(pods[0]),
    };
    this.write('EndpointSlice', slice, (o) => JSON.stringify([o['endpoints'], o['ports']]) + JSON.stringify(o.metadata.labels));
  }

  private write(kind: string, obj: KubeObject, fingerprint: (o: KubeObject) => string): void {
    const t = resourceByKind(kind)!;
    const existing = this.store.get(t.plural, obj.metadata.namespace, obj.metadata.name);
    if (!existing) this.store.create(t, obj);
    else if (fingerprint(existing) !== fingerprint(obj)) {
      this.store.update(t.plural, { ...obj, metadata: { ...existing.metadata, labels: obj.metadata.labels } });
    }
  }
}
