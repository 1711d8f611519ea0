/**
 * Server-side printing: the `Table` kubectl asks for (`Accept: application/json;as=Table;...`),
 * with the columns the real API server's printers give each resource.
 */
import type { KubeObject } from '../state/object-store.js';
import { metadataJson } from './json-cache.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
}

type Printer = { columns: Column[]; cells: (o: any, now: number) => unknown[] };

const col = (name: string, type: Column['type'], description: string, priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description,
  priority,
});
const nameCol = col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
const ageCol = col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

/** k8s.io/apimachinery duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (years < 8) {
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

const age = (o: any, now: number) => humanDuration(now - Date.parse(o.metadata.creationTimestamp ?? new Date(now).toISOString()));
const none = (v: string | undefined) => (v ? v : '<none>');
const selectorText = (sel: Record<string, string> | undefined) =>
  sel && Object.keys(sel).length ? Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') : '<none>';

/** The wide columns Deployments and ReplicaSets share: containers, images, selector of the template. */
const templateCells = (o: any): string[] => {
  const c: any[] = o.spec?.template?.spec?.containers ?? [];
  return [c.map((x) => x.name).join(','), c.map((x) => x.image).join(','), selectorText(o.spec?.selector?.matchLabels)];
};
const templateColumns = (selectorHelp: string): Column[] => [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col('Selector', 'string', selectorHelp, 1),
];

function podStatus(o: any): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  let reason: string = o.status?.reason ?? o.status?.phase ?? 'Unknown';
  for (const cs of o.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  return reason;
}

function portsText(ports: any[] | undefined): string {
  if (!ports?.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function endpointsText(subsets: any[] | undefined): string {
  const list: string[] = [];
  for (const s of subsets ?? []) {
    // kubectl's printer goes port by port, then address by address.
    if (!s.ports?.length) for (const a of s.addresses ?? []) list.push(a.ip);
    else for (const p of s.ports) for (const a of s.addresses ?? []) list.push(`${a.ip}:${p.port}`);
  }
  if (!list.length) return '<none>';
  return list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
}

const printers: Record<string, Printer> = {
  pods: {
    columns: [
      nameCol,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      ageCol,
      col('IP', 'string', 'podIP is an IP address allocated to the pod. Routable at least within the cluster.', 1),
      col('Node', 'string', "NodeName indicates in which node this pod is scheduled.", 1),
      col('Nominated Node', 'string', 'nominatedNodeName is set when this pod preempts other pods on the node.', 1),
      col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells: (o, now) => {
      const cs: any[] = o.status?.containerStatuses ?? [];
      const total = o.spec?.containers?.length ?? cs.length;
      const ready = cs.filter((c) => c.ready).length;
      const restarts = cs.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      return [o.metadata.name, `${ready}/${total}`, podStatus(o), String(restarts), age(o, now), none(o.status?.podIP), none(o.spec?.nodeName), '<none>', '<none>'];
    },
  },
  namespaces: {
    columns: [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Active', age(o, now)],
  },
  nodes: {
    columns: [
      nameCol,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      ageCol,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of internal IPs.', 1),
      col('External-IP', 'string', 'List of external IPs.', 1),
      col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col('Container-Runtime', 'string', 'Container Runtime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells: (o, now) => {
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      const ready = (o.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status === 'True';
      const addr = (t: string) => (o.status?.addresses ?? []).filter((a: any) => a.type === t).map((a: any) => a.address).join(',') || '<none>';
      const info = o.status?.nodeInfo ?? {};
      return [o.metadata.name, ready ? 'Ready' : 'NotReady', roles.join(',') || '<none>', age(o, now), info.kubeletVersion ?? '', addr('InternalIP'), addr('ExternalIP'), info.osImage ?? '', info.kernelVersion ?? '', info.containerRuntimeVersion ?? ''];
    },
  },
  services: {
    columns: [
      nameCol,
      col('Type', 'string', 'The type of the service.'),
      col('Cluster-IP', 'string', 'The cluster IP of the service.'),
      col('External-IP', 'string', 'The external IP of the service.'),
      col('Port(s)', 'string', 'The ports of the service.'),
      ageCol,
      col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (o, now) => {
      const type = o.spec?.type ?? 'ClusterIP';
      const external = type === 'ExternalName' ? o.spec.externalName : (o.spec?.externalIPs ?? []).join(',') || '<none>';
      return [o.metadata.name, type, o.spec?.clusterIP ?? '<none>', external, portsText(o.spec?.ports), age(o, now), selectorText(o.spec?.selector)];
    },
  },
  endpoints: {
    columns: [nameCol, col('Endpoints', 'string', 'Endpoints of the service'), ageCol],
    cells: (o, now) => [o.metadata.name, endpointsText(o.subsets), age(o, now)],
  },
  endpointslices: {
    columns: [
      nameCol,
      col('AddressType', 'string', 'The IP protocol for this slice'),
      col('Ports', 'string', 'The ports for this slice'),
      col('Endpoints', 'string', 'The endpoint addresses for this slice'),
      ageCol,
    ],
    cells: (o, now) => {
      const ports = (o.ports ?? []).map((p: any) => String(p.port)).join(',') || '<unset>';
      const addrs = (o.endpoints ?? []).flatMap((e: any) => e.addresses ?? []);
      const eps = addrs.length === 0 ? '<unset>' : addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
      return [o.metadata.name, o.addressType ?? 'IPv4', ports, eps, age(o, now)];
    },
  },
  configmaps: {
    columns: [nameCol, col('Data', 'integer', 'Data contains the configuration data.'), ageCol],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)],
  },
  deployments: {
    columns: [
      nameCol,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      ageCol,
      ...templateColumns('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
    ],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o, now), ...templateCells(o)],
  },
  replicasets: {
    columns: [
      nameCol,
      col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
      col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'integer', 'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.'),
      ageCol,
      ...templateColumns('Selector is a label query over pods that should match the replica count.'),
    ],
    cells: (o, now) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now), ...templateCells(o)],
  },
  // Secrets: names, types and how many keys, never values (as kubectl prints them).
  secrets: {
    columns: [nameCol, col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'integer', 'Data contains the secret data.'), ageCol],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(o, now)],
  },
  serviceaccounts: {
    columns: [nameCol, col('Secrets', 'integer', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o, now)],
  },
  networkpolicies: {
    columns: [nameCol, col('Pod-Selector', 'string', "Select the pods to which this NetworkPolicy object applies."), ageCol],
    cells: (o, now) => {
      const ml = o.spec?.podSelector?.matchLabels;
      return [o.metadata.name, ml && Object.keys(ml).length ? selectorText(ml) : '<none>', age(o, now)];
    },
  },
};

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

type TableOptions = { resourceVersion: string; continue?: string; includeObject?: string | null; now?: number };

const printerOf = (resource: string): Printer => printers[resource] ?? { columns: [nameCol, ageCol], cells: (o: any, now: number) => [o.metadata.name, age(o, now)] };

const tableMeta = (opts: TableOptions) => ({ resourceVersion: opts.resourceVersion, ...(opts.continue ? { continue: opts.continue } : {}) });

/** The Table for some objects of one resource; rows carry PartialObjectMetadata (or the object with includeObject=Object). */
export function toTable(resource: string, objects: KubeObject[], opts: TableOptions): unknown {
  const printer = printerOf(resource);
  const now = opts.now ?? Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: tableMeta(opts),
    columnDefinitions: printer.columns,
    rows: objects.map((o) => ({
      cells: printer.cells(o, now),
      object:
        opts.includeObject === 'None'
          ? undefined
          : opts.includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/**
 * The same Table as JSON text (what JSON.stringify(toTable(...)) gives), built from each object's
 * cached metadata text: a list page of pods is mostly metadata, stringified once per object version.
 */
export function tableJson(resource: string, objects: readonly KubeObject[], opts: TableOptions): string {
  const printer = printerOf(resource);
  const now = opts.now ?? Date.now();
  const row = (o: KubeObject): string => {
    const cells = JSON.stringify(printer.cells(o, now));
    if (opts.includeObject === 'None') return `{"cells":${cells}}`;
    const object = opts.includeObject === 'Object' ? JSON.stringify(o) : `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${metadataJson(o)}}`;
    return `{"cells":${cells},"object":${object}}`;
  };
  const head = JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: tableMeta(opts), columnDefinitions: printer.columns });
  return `${head.slice(0, -1)},"rows":[${objects.map(row).join(',')}]}`;
}
