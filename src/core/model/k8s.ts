/** Minimal, plain shapes of the Kubernetes objects dnswhy reasons about (not client-node types: core stays free of I/O libraries). */
import type { OwnerKind } from './workload-kinds.js';

/** A pod's spec.dnsPolicy values, as the API server accepts them. */
export const dnsPolicies = ['ClusterFirst', 'Default', 'None', 'ClusterFirstWithHostNet'] as const;
export type DnsPolicy = (typeof dnsPolicies)[number];

/** A Service port's protocols. */
export const serviceProtocols = ['TCP', 'UDP', 'SCTP'] as const;

/** A Service's spec.type values. */
export const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

export interface PodDnsConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

export interface HostAlias {
  ip: string;
  hostnames: string[];
}

export interface OwnerRef {
  kind: OwnerKind | (string & {});
  name: string;
  /** The owning workload's resourceVersion when it was read (the Kubernetes adapter fills it for Deployment/StatefulSet/DaemonSet). */
  resourceVersion?: string;
  /** The owning workload's metadata.generation (changes with its spec, not with its status). */
  generation?: number;
}

/** The target pod, as read from the API. `owner` is the top-level controller (a ReplicaSet is resolved to its Deployment). */
export interface PodFacts {
  namespace: string;
  name: string;
  ip: string;
  node: string;
  zone?: string;
  phase: string;
  ready: boolean;
  hostNetwork: boolean;
  dnsPolicy: DnsPolicy;
  dnsConfig?: PodDnsConfig;
  hostAliases: HostAlias[];
  owner?: OwnerRef;
  labels: Record<string, string>;
  containers: string[];
}

export interface NodeFacts {
  name: string;
  ip: string;
  zone?: string;
  region?: string;
  podCIDR?: string;
  labels: Record<string, string>;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol: (typeof serviceProtocols)[number] | (string & {});
  targetPort?: number | string;
}

export interface ServiceFacts {
  namespace: string;
  name: string;
  type: (typeof serviceTypes)[number] | (string & {});
  /** "None" for headless. */
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  ports: ServicePort[];
  selector?: Record<string, string>;
}

export interface EndpointAddress {
  ip: string;
  ready: boolean;
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetPod?: { namespace: string; name: string };
}

/** One Service's endpoints (flattened from EndpointSlices or Endpoints). */
export interface ServiceEndpoints {
  namespace: string;
  service: string;
  addresses: EndpointAddress[];
  ports: ServicePort[];
}

/**
 * What the kubernetes plugin needs to answer: the cluster's objects as data. Passed to the
 * evaluator as a parameter, never fetched by it.
 */
export interface ClusterState {
  namespaces: string[];
  services: ServiceFacts[];
  endpoints: ServiceEndpoints[];
  pods: { namespace: string; name: string; ip: string }[];
}
