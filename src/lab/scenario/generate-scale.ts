/**
 * A healthy cluster of any size, as a scenario (docs/lab-scenario.md): N nodes over Z zones, M
 * application pods in Deployments of D pods spread over the namespaces, a Service in front of a
 * share of the Deployments, a CoreDNS replica per zone, one upstream resolver and one external host.
 * Deterministic: the same options give the same file, so anyone can reproduce the scale figures
 * (`dnswhy lab generate`, bench/scale.bench.ts).
 */
import { DnswhyError } from '../../core/errors.js';
import { templateHash } from '../state/names.js';

export interface ScaleOptions {
  nodes: number;
  pods: number;
  /** Pods per Deployment (default 10; the last Deployment takes the remainder). */
  podsPerDeployment?: number;
  /** Share of Deployments with a Service selecting their pods, 0..1 (default 1: one per Deployment). */
  serviceShare?: number;
  namespaces?: number;
  zones?: number;
  corednsReplicas?: number;
  seed?: number;
  name?: string;
}

/** Limits that follow from the address plan below (a /24 per node, node IPs in one /16). */
export const scaleLimits = { maxNodes: 8192, maxPodsPerNode: 250, maxNamespaces: 1000, maxZones: 26 } as const;

/** A bad size: says which option and what is allowed. */
export class ScaleOptionError extends DnswhyError {
  override readonly code = 'scale-option-invalid';
  override readonly permanent = true;
}

const zoneLabel = 'topology.kubernetes.io/zone';
const regionLabel = 'topology.kubernetes.io/region';
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Four-part dotted address of a 32-bit value. */
function dotted(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

const base = (a: number, b: number, c = 0, d = 0) => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

/** A pod name suffix from its index (deterministic, the generateName alphabet). */
function suffix(n: number): string {
  let out = '';
  let x = (Math.imul(n + 1, 2654435761) ^ 0x5bd1e995) >>> 0;
  for (let i = 0; i < 5; i++) {
    out += alphabet[x % alphabet.length];
    x = (Math.floor(x / alphabet.length) + Math.imul(i + 7, 40503)) >>> 0;
  }
  return out;
}

/** Node i's name, IP and pod CIDR (10.128.0.0/9 in /24s: up to 32768 nodes). */
export function scaleNode(i: number): { name: string; ip: string; podCIDR: string } {
  return { name: `node-${String(i).padStart(4, '0')}`, ip: dotted(base(10, 0) + 11 + i), podCIDR: `${dotted(base(10, 128) + i * 256)}/24` };
}

function check(o: ScaleOptions): Required<Omit<ScaleOptions, 'name'>> & { name: string } {
  const full = {
    podsPerDeployment: 10,
    serviceShare: 1,
    namespaces: 20,
    zones: 3,
    // One replica per zone (at most 10), so a healthy cluster's health summary says ok.
    corednsReplicas: Math.min(o.zones ?? 3, o.nodes, 10),
    seed: 1,
    name: `scale-${o.nodes}-nodes-${o.pods}-pods`,
    ...o,
  };
  const int = (k: keyof typeof full, min: number, max: number) => {
    const v = full[k] as number;
    if (!Number.isInteger(v) || v < min || v > max) throw new ScaleOptionError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number from ${min} to ${max}, got ${v}`);
  };
  int('nodes', 1, scaleLimits.maxNodes);
  int('pods', 1, full.nodes * scaleLimits.maxPodsPerNode);
  int('podsPerDeployment', 1, 10_000);
  int('namespaces', 1, scaleLimits.maxNamespaces);
  int('zones', 1, scaleLimits.maxZones);
  int('corednsReplicas', 1, Math.min(10, full.nodes));
  int('seed', 0, 2 ** 31 - 1);
  if (!(full.serviceShare >= 0 && full.serviceShare <= 1)) throw new ScaleOptionError(`--service-share must be between 0 and 1, got ${full.serviceShare}`);
  return full;
}

/**
 * The scenario (as plain data, ready for YAML or JSON) of a healthy cluster with these sizes. Its
 * `expect` asks the first application pod for another Deployment's Service and an external name.
 */
export function generateScaleScenario(options: ScaleOptions): Record<string, unknown> {
  const o = check(options);
  const upstreamIp = '172.31.0.2';
  const externalIp = '203.0.113.80';
  const nodes = Array.from({ length: o.nodes }, (_, i) => {
    const n = scaleNode(i);
    const zone = `zone-${String.fromCharCode(97 + (i % o.zones))}`;
    return { ...n, labels: { [regionLabel]: 'lab-region', [zoneLabel]: zone, 'kubernetes.io/hostname': n.name }, resolvConf: `nameserver ${upstreamIp}\n` };
  });
  // Next free host number per node (.1 is the bridge).
  const nextHost = new Uint16Array(o.nodes).fill(2);
  const podIp = (node: number) => {
    const ip = dotted(base(10, 128) + node * 256 + nextHost[node]!);
    nextHost[node]! += 1;
    return ip;
  };
  const corednsHash = templateHash({ coredns: o.seed });
  const corednsPods = Array.from({ length: o.corednsReplicas }, (_, r) => {
    // One replica per zone first, as the scheduler's spreading would place them.
    const node = r % o.nodes;
    return { name: `coredns-${corednsHash}-${suffix(1_000_000 + r)}`, node: nodes[node]!.name, ip: podIp(node) };
  });

  const deployments = Math.ceil(o.pods / o.podsPerDeployment);
  const pods: Record<string, unknown>[] = [];
  const services: Record<string, unknown>[] = [{ namespace: 'default', name: 'kubernetes', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }];
  let serviceIp = base(10, 96, 1, 0);
  let made = 0;
  let serviced = 0;
  for (let d = 0; d < deployments; d++) {
    const namespace = `ns-${String(d % o.namespaces).padStart(3, '0')}`;
    const name = `app-${String(d).padStart(5, '0')}`;
    const hash = templateHash({ name, seed: o.seed });
    const count = Math.min(o.podsPerDeployment, o.pods - made);
    // The first Deployment's pods have the tools an application image would (getent), so the
    // diagnosis exercises them too; the rest are plain busybox.
    const tools = d === 0 ? { image: 'debian:12', commands: ['cat', 'getent'] } : {};
    for (let k = 0; k < count; k++) {
      const node = made % o.nodes;
      pods.push({ namespace, name: `${name}-${hash}-${suffix(made)}`, node: nodes[node]!.name, ip: podIp(node), labels: { app: name }, owner: { kind: 'Deployment', name }, ...tools });
      made += 1;
    }
    // Services on an even spread of Deployments (d = 0 and 1 always, so the expectation has one).
    if (d < 2 || Math.floor((d + 1) * o.serviceShare) > Math.floor(d * o.serviceShare)) {
      services.push({ namespace, name, clusterIP: dotted(serviceIp++), ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: name } });
      serviced += 1;
    }
  }
  const first = pods[0] as { namespace: string; name: string };
  const second = services.find((s) => s['name'] === 'app-00001') as { namespace: string; name: string } | undefined;
  return {
    version: 1,
    name: o.name,
    description: `Generated: ${o.nodes} nodes in ${o.zones} zones, ${o.pods} pods in ${deployments} Deployments over ${o.namespaces} namespaces, ${serviced} Services (share ${o.serviceShare}), ${o.corednsReplicas} CoreDNS replicas. Healthy.`,
    seed: o.seed,
    cluster: { domain: 'cluster.local', dnsService: { namespace: 'kube-system', name: 'kube-dns', ip: '10.96.0.10' } },
    nodes,
    coredns: { pods: corednsPods },
    pods,
    services,
    resolvers: [
      {
        name: 'upstream',
        ip: upstreamIp,
        zones: [{ name: 'example.org', soaMinimum: 60 }],
        records: [{ name: 'www.example.org', type: 'A', values: [externalIp], ttl: 300 }],
        otherNames: 'nxdomain',
      },
    ],
    hosts: [{ ip: externalIp, tcp: [80, 443] }],
    expect: [
      ...(second ? [{ why: { pod: `${first.namespace}/${first.name}`, name: `${second.name}.${second.namespace}`, port: 80 }, verdict: 'healthy' }] : []),
      { why: { pod: `${first.namespace}/${first.name}`, name: 'www.example.org' }, verdict: 'healthy' },
    ],
  };
}
