/**
 * The scenario file schema (docs/lab-scenario.md, version 1) as zod: strict objects (an unknown field
 * is an error with its path), the contract's defaults, and per-field formats. Cross-references
 * between parts (pod.node is a node, ...) are checked afterwards in cross-check.ts.
 */
import { z } from 'zod';
import { fixKinds } from '../../core/model/finding.js';
import { verdicts } from '../../core/model/report.js';
import { dnsPolicies, serviceProtocols, serviceTypes } from '../../core/model/k8s.js';
import { ownerKinds } from '../../core/model/workload-kinds.js';
import { isCidr, isIp, isIpv4 } from './addresses.js';
import { checkIdSchema } from './check-ids.js';
import { defaultCorefile } from './default-corefile.js';
import { taintEffects } from '../kubelet/taints.js';
import { parseQuantity, quotaResources } from '../apiserver/resource-quota.js';

const kebab = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const domainName = /^(\*\.)?([A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?\.?$/;

const ip = z.string().refine(isIp, { message: 'expected an IP address such as 10.1.2.3' });
const ipv4 = z.string().refine(isIpv4, { message: 'expected an IPv4 address such as 10.1.2.3' });
const cidr = z.string().refine(isCidr, { message: 'expected a CIDR such as 10.244.1.0/24' });
const labelName = z.string().regex(kebab, 'expected a DNS-1123 label (lower case letters, digits and "-", e.g. kube-system)').max(63);
const objectName = z
  .string()
  .regex(dns1123Subdomain, 'expected a DNS-1123 name (lower case letters, digits, "-" and ".", e.g. coredns-7dbc744b8d-5svcg)')
  .max(253);
const labels = z.record(z.string(), z.string());
const port = z.number().int().min(1).max(65535);
const domain = z.string().regex(domainName, 'expected a domain name such as corp.example');

const dnsPolicy = z.enum(dnsPolicies);

/** A Pod's spec.dnsConfig, with the API server's validation limits. */
export const dnsConfigSchema = z.strictObject({
  nameservers: z.array(ip).max(3, 'expected at most 3 nameservers (the API server rejects more)').optional(),
  searches: z
    .array(domain)
    .max(32, 'expected at most 32 search domains')
    .refine((s) => s.join(' ').length <= 2048, { message: 'expected a search list of at most 2048 characters' })
    .optional(),
  options: z.array(z.strictObject({ name: z.string().min(1), value: z.string().optional() })).optional(),
});

export const hostAliasSchema = z.strictObject({ ip, hostnames: z.array(z.string().min(1)).min(1) });

/** Added field: a node taint, as in the Node spec. */
const taintSchema = z.strictObject({ key: z.string().min(1).max(316), value: z.string().max(63).optional(), effect: z.enum(taintEffects) });

const nodeSchema = z.strictObject({
  name: objectName,
  ip: ipv4,
  podCIDR: cidr,
  labels: labels.default({}),
  resolvConf: z.string().default(''),
  /** Added field: the node's taints (a pod bound to it that does not tolerate a NoExecute taint is rejected by its kubelet). */
  taints: z.array(taintSchema).default([]),
  /** Added field: how long a first pull of an image the node does not have takes, in seconds (0: at once). */
  imagePullSeconds: z.number().min(0).max(3600).default(0),
  /**
   * Added field, netns backend only: the node's conntrack table is filled to the kernel's limit, so
   * the kernel drops new flows through the node and counts them in `drop`; `evictable` is the share
   * of the filling flows the kernel's early drop may evict to make room (0: none, every new flow drops).
   */
  conntrackFull: z.strictObject({ evictable: z.number().min(0).max(1).default(0) }).optional(),
});

/** Added field: a namespace's labels (pod-security.kubernetes.io/enforce is enforced on pod creation). */
const namespaceSchema = z.strictObject({
  name: labelName,
  labels: labels.default({}),
});

/** Added field: a ResourceQuota; only the pod-related hard limits are known to the lab. */
const quotaSchema = z.strictObject({
  namespace: labelName,
  name: objectName,
  hard: z.partialRecord(z.enum(quotaResources), z.union([z.string(), z.number()]).transform(String).refine((q) => parseQuantity(q) !== undefined, { message: 'expected a quantity such as 4, 500m or 128Mi' })),
});

/**
 * Added fields: what kubelet reports about a pod's (first) container besides its phase, so a scenario can
 * start with an incident already under way: how often it restarted, why it is waiting now
 * (CrashLoopBackOff, ImagePullBackOff, ...), how it ended last time (OOMKilled with 137, Error with 1),
 * and what `kubectl logs` (and `--previous`) print. A waiting container is not ready.
 */
const containerHistory = {
  restarts: z.number().int().min(0).max(100000).default(0),
  waiting: z.strictObject({ reason: z.string().min(1), message: z.string().optional() }).optional(),
  lastTerminated: z.strictObject({ reason: z.string().min(1), exitCode: z.number().int().min(0).max(255), message: z.string().optional() }).optional(),
  logs: z.string().max(1_000_000).optional(),
  previousLogs: z.string().max(1_000_000).optional(),
};

const corednsPodSchema = z.strictObject({
  name: objectName,
  node: objectName,
  ip: ipv4,
  ready: z.boolean().default(true),
  ...containerHistory,
});

const corednsSchema = z.strictObject({
  namespace: labelName.default('kube-system'),
  configMap: objectName.default('coredns'),
  /** Name of the CoreDNS Deployment (added field; kubeadm's default). */
  deployment: objectName.default('coredns'),
  labels: labels.default({ 'k8s-app': 'kube-dns' }),
  image: z.string().default('registry.k8s.io/coredns/coredns:v1.11.3'),
  corefile: z.string().optional(),
  /** Other ConfigMap keys (added field), e.g. NodeHosts or files a Corefile `import`s. */
  files: z.record(z.string(), z.string()).default({}),
  /**
   * Added field: the keys of the `coredns-custom` ConfigMap (AKS, k3s), mounted at /etc/coredns/custom
   * for the Corefile's `import custom/*.server` / `*.override`. The ConfigMap exists when this is given.
   */
  custom: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a ConfigMap key'), z.string()).optional(),
  pods: z.array(corednsPodSchema).default([]),
});

const ownerSchema = z.strictObject({
  kind: z.enum(ownerKinds),
  name: objectName,
});

const podSchema = z.strictObject({
  namespace: labelName,
  name: objectName,
  node: objectName,
  ip: ipv4,
  labels: labels.default({}),
  owner: ownerSchema.optional(),
  dnsPolicy: dnsPolicy.default('ClusterFirst'),
  dnsConfig: dnsConfigSchema.optional(),
  hostAliases: z.array(hostAliasSchema).default([]),
  /** Added field: the pod uses its node's network namespace (its IP is then the node's). */
  hostNetwork: z.boolean().default(false),
  /** Added field: the pod's hostname (defaults to its name, as kubelet does). */
  hostname: labelName.optional(),
  /** Added field: the name of the pod's container (defaults to the owner's name, else the pod's). */
  container: labelName.optional(),
  image: z.string().default('busybox:1.36'),
  commands: z.array(z.string().min(1)).default(['cat']),
  /** Added field: the C library of the image, for the stub resolver's behaviour. */
  libc: z.enum(['glibc', 'musl']).optional(),
  /** Added field: the pod's phase (Running by default). */
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed']).default('Running'),
  ready: z.boolean().default(true),
  ...containerHistory,
});

const servicePortSchema = z.strictObject({
  name: z.string().optional(),
  port,
  protocol: z.enum(serviceProtocols).default('TCP'),
  targetPort: z.union([port, z.string().min(1)]).optional(),
});

const serviceSchema = z.strictObject({
  namespace: labelName,
  name: labelName,
  type: z.enum(serviceTypes).optional(),
  clusterIP: z.union([z.literal('None'), ip]).optional(),
  externalName: domain.optional(),
  ports: z.array(servicePortSchema).default([]),
  selector: labels.optional(),
  labels: labels.default({}),
});

/** A real networking.k8s.io/v1 NetworkPolicy object: only its frame is checked here. */
const networkPolicySchema = z.looseObject({
  apiVersion: z.literal('networking.k8s.io/v1').default('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy').default('NetworkPolicy'),
  metadata: z.looseObject({ name: objectName, namespace: labelName }),
  spec: z.looseObject({ podSelector: z.record(z.string(), z.unknown()) }),
});

const recordSchema = z.strictObject({
  name: domain,
  type: z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'SRV', 'MX', 'PTR']),
  values: z.array(z.string()).min(1),
  ttl: z.number().int().min(0).max(2147483647).default(300),
});

const resolverSchema = z.strictObject({
  name: labelName,
  ip: ipv4,
  zones: z.array(z.strictObject({ name: domain, soaMinimum: z.number().int().min(0).default(300) })).default([]),
  records: z.array(recordSchema).default([]),
  views: z.array(z.strictObject({ match: z.array(z.string()).min(1), records: z.array(recordSchema).default([]) })).default([]),
  otherNames: z.enum(['nxdomain', 'refused', 'servfail', 'forward']).default('nxdomain'),
  forwardTo: labelName.optional(),
});

const hostSchema = z.strictObject({ ip, tcp: z.array(port).min(1) });

const ruleSchema = z.strictObject({
  from: z.string().optional(),
  to: z.string().optional(),
  proto: z.enum(['udp', 'tcp', 'any']).default('any'),
  port: port.optional(),
  action: z.enum(['drop', 'loss', 'delay', 'reject']),
  rate: z.number().min(0).max(1).optional(),
  ms: z.number().int().min(0).max(600000).optional(),
});

const expectSchema = z.strictObject({
  why: z.strictObject({ pod: z.string(), name: z.string().min(1), port: port.optional() }),
  verdict: z.enum(verdicts),
  findings: z.array(checkIdSchema).default([]),
  absent: z.array(checkIdSchema).default([]),
  fixes: z.array(z.enum(fixKinds)).default([]),
  applyFix: z.enum(fixKinds).optional(),
  /** Added field: words that must appear in the report's "could not probe" items (a probe that could not run, and why). */
  notProbed: z.array(z.string().min(1)).default([]),
  /** Added field: probes (by label, e.g. "twin probe pod", "node-view probe on gpu-1") that must have run. */
  probed: z.array(z.string().min(1)).default([]),
});

/** Added field: API verbs the lab's service account may not use (RBAC emulation → 403). */
const denySchema = z.strictObject({
  verb: z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
  resource: z.string().min(1),
  namespace: labelName.optional(),
});

export const scenarioSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1 (the only version of the scenario format)' }),
  name: z.string().regex(kebab, 'expected a kebab-case name such as hybrid-cloud-split-horizon'),
  description: z.string().default(''),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  cluster: z.strictObject({
    domain: domain.default('cluster.local'),
    dnsService: z.strictObject({
      namespace: labelName.default('kube-system'),
      name: labelName.default('kube-dns'),
      ip: ipv4,
      /** Added field: the Service's selector (default: coredns.labels); one that matches nothing leaves no endpoints. */
      selector: labels.optional(),
      /**
       * Added field: the Service has no selector and these are its endpoints, written by hand (an
       * EndpointSlice and Endpoints the lab creates once; kube-proxy sends the Service's packets there).
       */
      endpoints: z.array(z.strictObject({ ip: ipv4, ready: z.boolean().default(true), node: objectName.optional() })).optional(),
    }),
  }),
  nodes: z.array(nodeSchema).min(1, 'expected at least one node'),
  coredns: corednsSchema.prefault({}),
  pods: z.array(podSchema).default([]),
  services: z.array(serviceSchema).default([]),
  /**
   * Added field: NodeLocal DNSCache. Its ConfigMap (node-local-dns) and DaemonSet are created, one
   * shared cache answers on `ip` for every node (its run-time placeholders filled in as node-cache does),
   * and with `kubeletClusterDns` kubelet gives pods `ip` as their nameserver.
   */
  nodeLocalDns: z
    .strictObject({
      ip: ipv4.default('169.254.20.10'),
      corefile: z.string().min(1),
      kubeletClusterDns: z.boolean().default(true),
    })
    .optional(),
  networkPolicies: z.array(networkPolicySchema).default([]),
  resolvers: z.array(resolverSchema).default([]),
  hosts: z.array(hostSchema).default([]),
  network: z.array(ruleSchema).default([]),
  expect: z.array(expectSchema).default([]),
  /** Added field: namespaces with their labels (others are created, unlabelled, from what uses them). */
  namespaces: z.array(namespaceSchema).default([]),
  /** Added field: ResourceQuotas, enforced on pod creation. */
  resourceQuotas: z.array(quotaSchema).default([]),
  /** Added field: RBAC denials for the lab's service account. */
  rbac: z.strictObject({ deny: z.array(denySchema).default([]) }).optional(),
}).transform((s) => ({
  ...s,
  coredns: { ...s.coredns, corefile: s.coredns.corefile ?? defaultCorefile(s.cluster.domain) },
}));

/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioNode = Scenario['nodes'][number];
export type ScenarioPod = Scenario['pods'][number];
export type ScenarioCorednsPod = Scenario['coredns']['pods'][number];
export type ScenarioService = Scenario['services'][number];
export type ScenarioResolver = Scenario['resolvers'][number];
export type ScenarioRecord = ScenarioResolver['records'][number];
export type ScenarioRule = Scenario['network'][number];
export type ScenarioExpectation = Scenario['expect'][number];
export type RbacDenial = z.output<typeof denySchema>;
