/**
 * Every Kubernetes API request dnswhy makes, with the RBAC verb(s), resource and scope it needs:
 * the single source of truth for the shipped roles (deploy/), which a test compares with this table
 * both ways. The Kubernetes adapter names one of these ids on every request, so a request that is
 * not in the table cannot be written.
 *
 * - scope `cluster`: a cluster-scoped resource (nodes, namespaces) or a list across all namespaces;
 *   `any-namespace`: whichever namespace the target is in (granted cluster-wide); `coredns-namespace`:
 *   only where CoreDNS runs (kube-system by default; a Role there).
 * - role: `diagnose` (every install), `patch` (applying approved fixes: left out of a diagnose-only
 *   install), `ephemeral-probes` (the opt-in probe mode that adds a container to the target pod).
 */

export type ApiRole = 'diagnose' | 'patch' | 'ephemeral-probes';
export type ApiScope = 'cluster' | 'any-namespace' | 'coredns-namespace';

export interface ApiCall {
  /** RBAC verbs the API server checks for this one request (exec over WebSocket is authorised as get, and create from 1.35). */
  verbs: readonly string[];
  group: string;
  resource: string;
  subresource?: string;
  scope: ApiScope;
  /** Only these object names (RBAC resourceNames). */
  resourceNames?: readonly string[];
  role: ApiRole;
  /** What the request is for, in a few words. */
  why: string;
}

/** The CoreDNS ConfigMaps dnswhy reads (and, with the patch role, patches), by name. */
export const corednsConfigMaps = ['coredns', 'coredns-custom'] as const;
/** ConfigMaps the diagnosis reads by name: CoreDNS's and NodeLocal DNSCache's. */
export const readableConfigMaps = [...corednsConfigMaps, 'node-local-dns'] as const;

export const apiCalls = {
  readPod: { verbs: ['get'], group: '', resource: 'pods', scope: 'any-namespace', role: 'diagnose', why: 'the target pod, probe pods while they run' },
  listPods: { verbs: ['list'], group: '', resource: 'pods', scope: 'any-namespace', role: 'diagnose', why: 'pod name prefixes, workload pods, CoreDNS pods' },
  listPodsAllNamespaces: { verbs: ['list'], group: '', resource: 'pods', scope: 'cluster', role: 'diagnose', why: 'the health summary: pods per zone' },
  readReplicaSet: { verbs: ['get'], group: 'apps', resource: 'replicasets', scope: 'any-namespace', role: 'diagnose', why: 'owner of a Deployment pod' },
  readJob: { verbs: ['get'], group: 'batch', resource: 'jobs', scope: 'any-namespace', role: 'diagnose', why: 'owner of a Job pod (its CronJob)' },
  listNodes: { verbs: ['list'], group: '', resource: 'nodes', scope: 'cluster', role: 'diagnose', why: 'zones, node IPs and pod CIDRs' },
  readService: { verbs: ['get'], group: '', resource: 'services', scope: 'coredns-namespace', role: 'diagnose', why: 'the cluster DNS Service' },
  listServicesAllNamespaces: { verbs: ['list'], group: '', resource: 'services', scope: 'cluster', role: 'diagnose', why: 'the Services the kubernetes plugin answers for' },
  listEndpointSlices: { verbs: ['list'], group: 'discovery.k8s.io', resource: 'endpointslices', scope: 'coredns-namespace', role: 'diagnose', why: 'CoreDNS endpoints of the DNS Service' },
  readEndpoints: { verbs: ['get'], group: '', resource: 'endpoints', scope: 'coredns-namespace', role: 'diagnose', why: 'CoreDNS endpoints on clusters without EndpointSlices' },
  listNamespaces: { verbs: ['list'], group: '', resource: 'namespaces', scope: 'cluster', role: 'diagnose', why: 'namespace labels for NetworkPolicy namespaceSelectors' },
  readConfigMap: { verbs: ['get'], group: '', resource: 'configmaps', scope: 'coredns-namespace', resourceNames: readableConfigMaps, role: 'diagnose', why: 'the Corefile, its imported files, and NodeLocal DNSCache\'s Corefile' },
  listNetworkPolicies: { verbs: ['list'], group: 'networking.k8s.io', resource: 'networkpolicies', scope: 'any-namespace', role: 'diagnose', why: 'policies of the target and CoreDNS namespaces' },
  listDaemonSets: { verbs: ['list'], group: 'apps', resource: 'daemonsets', scope: 'coredns-namespace', role: 'diagnose', why: 'NodeLocal DNSCache' },
  exec: { verbs: ['get', 'create'], group: '', resource: 'pods', subresource: 'exec', scope: 'any-namespace', role: 'diagnose', why: 'cat /etc/resolv.conf and /etc/hosts, getent/nslookup/dig in the target pod' },
  createPod: { verbs: ['create'], group: '', resource: 'pods', scope: 'any-namespace', role: 'diagnose', why: 'twin and node-view probe pods (ClusterRole dnswhy-probe-pods: bound cluster-wide, or in the probe namespace only)' },
  deletePod: { verbs: ['delete'], group: '', resource: 'pods', scope: 'any-namespace', role: 'diagnose', why: 'removing probe pods' },
  watchPod: { verbs: ['watch'], group: '', resource: 'pods', scope: 'any-namespace', role: 'diagnose', why: 'seeing a probe pod end as it ends' },
  listPodEvents: { verbs: ['list'], group: '', resource: 'events', scope: 'any-namespace', role: 'diagnose', why: 'whether the kubelet is still pulling a probe pod\'s image' },
  podLogs: { verbs: ['get'], group: '', resource: 'pods', subresource: 'log', scope: 'any-namespace', role: 'diagnose', why: 'what a probe pod printed; why a CoreDNS pod exits' },
  podProxy: { verbs: ['get'], group: '', resource: 'pods', subresource: 'proxy', scope: 'coredns-namespace', role: 'diagnose', why: 'CoreDNS metrics on :9153' },
  readDeployment: { verbs: ['get'], group: 'apps', resource: 'deployments', scope: 'any-namespace', role: 'diagnose', why: 'the owning workload and its version' },
  readStatefulSet: { verbs: ['get'], group: 'apps', resource: 'statefulsets', scope: 'any-namespace', role: 'diagnose', why: 'the owning workload and its version' },
  readDaemonSet: { verbs: ['get'], group: 'apps', resource: 'daemonsets', scope: 'any-namespace', role: 'diagnose', why: 'the owning workload and its version' },
  addEphemeralContainer: { verbs: ['patch'], group: '', resource: 'pods', subresource: 'ephemeralcontainers', scope: 'any-namespace', role: 'ephemeral-probes', why: 'opt-in: the probe inside the target pod' },
  patchConfigMap: { verbs: ['patch'], group: '', resource: 'configmaps', scope: 'coredns-namespace', resourceNames: corednsConfigMaps, role: 'patch', why: 'an approved Corefile fix (into coredns-custom where the provider manages coredns), its rollback' },
  patchDeployment: { verbs: ['patch'], group: 'apps', resource: 'deployments', scope: 'any-namespace', role: 'patch', why: 'an approved workload fix, its rollback, a CoreDNS restart' },
  patchStatefulSet: { verbs: ['patch'], group: 'apps', resource: 'statefulsets', scope: 'any-namespace', role: 'patch', why: 'an approved workload fix, its rollback' },
  patchDaemonSet: { verbs: ['patch'], group: 'apps', resource: 'daemonsets', scope: 'any-namespace', role: 'patch', why: 'an approved workload fix, its rollback' },
} as const satisfies Record<string, ApiCall>;

export type ApiCallId = keyof typeof apiCalls;
