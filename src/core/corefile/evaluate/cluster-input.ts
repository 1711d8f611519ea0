/**
 * Reads cluster objects for the kubernetes plugin (`corefile explain --services`): either a ClusterState-shaped document
 * ({namespaces, services, endpoints, pods}) or a kubectl `List` of Namespace/Service/Pod/Endpoints objects.
 */
import type { ClusterState, ServiceFacts } from '../../model/k8s.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped YAML input, checked field by field
type Obj = Record<string, any>;

/** Converts parsed YAML into a ClusterState; throws an Error naming what is wrong. */
export function clusterFromDocument(doc: unknown): ClusterState {
  if (!doc || typeof doc !== 'object') throw new Error('expected a mapping with namespaces/services or a kubectl List');
  const d = doc as Obj;
  if (Array.isArray(d.items)) return fromList(d.items as Obj[]);
  const services = (d.services ?? []) as ServiceFacts[];
  if (!Array.isArray(services)) throw new Error('services must be a list');
  for (const [i, s] of services.entries()) {
    if (!s || typeof s.name !== 'string' || typeof s.namespace !== 'string') throw new Error(`services[${i}] needs name and namespace`);
    s.type ??= 'ClusterIP';
    s.ports ??= [{ port: 80, protocol: 'TCP' }];
  }
  const namespaces: string[] = Array.isArray(d.namespaces) ? d.namespaces.map(String) : [...new Set(services.map((s) => s.namespace))];
  return { namespaces, services, endpoints: Array.isArray(d.endpoints) ? d.endpoints : [], pods: Array.isArray(d.pods) ? d.pods : [] };
}

function fromList(items: Obj[]): ClusterState {
  const state: ClusterState = { namespaces: [], services: [], endpoints: [], pods: [] };
  for (const it of items) {
    const md = it.metadata ?? {};
    switch (it.kind) {
      case 'Namespace':
        state.namespaces.push(String(md.name));
        break;
      case 'Service':
        state.services.push({
          namespace: md.namespace ?? 'default', name: md.name, type: it.spec?.type ?? 'ClusterIP', clusterIP: it.spec?.clusterIP,
          clusterIPs: it.spec?.clusterIPs, externalName: it.spec?.externalName,
          ports: (it.spec?.ports ?? []).map((p: Obj) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
        });
        break;
      case 'Pod':
        if (it.status?.podIP) state.pods.push({ namespace: md.namespace ?? 'default', name: md.name, ip: it.status.podIP });
        break;
      case 'Endpoints':
        for (const s of it.subsets ?? []) {
          state.endpoints.push({
            namespace: md.namespace ?? 'default', service: md.name,
            ports: (s.ports ?? []).map((p: Obj) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
            addresses: [
              ...(s.addresses ?? []).map((a: Obj) => ({ ip: a.ip, ready: true, hostname: a.hostname })),
              ...(s.notReadyAddresses ?? []).map((a: Obj) => ({ ip: a.ip, ready: false, hostname: a.hostname })),
            ],
          });
        }
        break;
      default:
        break;
    }
  }
  for (const s of state.services) if (!state.namespaces.includes(s.namespace)) state.namespaces.push(s.namespace);
  return state;
}
