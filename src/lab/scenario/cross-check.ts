/**
 * Checks that parts of a scenario refer to each other correctly: nodes, pods, services and
 * resolvers named elsewhere exist, selectors parse and point at something, names and IPs are
 * unique, rules carry the parameters their action needs. Returns errors and warnings with paths.
 */
import { cidrContains, ipv4Range, ipv4Value, isIp, overlappingCidrs } from './addresses.js';
import type { ScenarioProblem } from './scenario-error.js';
import type { Scenario } from './schema.js';
import { parseSelector, type Selector } from './selector.js';

export interface CrossCheckResult {
  errors: ScenarioProblem[];
  warnings: ScenarioProblem[];
}

const zoneLabel = 'topology.kubernetes.io/zone';

/** Runs every cross-reference check on a schema-valid scenario. */
export function crossCheck(s: Scenario): CrossCheckResult {
  const errors: ScenarioProblem[] = [];
  const warnings: ScenarioProblem[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });

  const nodes = new Map(s.nodes.map((n) => [n.name, n]));
  const zones = new Set(s.nodes.map((n) => n.labels[zoneLabel]).filter((z): z is string => !!z));
  const pods = new Set<string>();
  const services = new Set(s.services.map((v) => `${v.namespace}/${v.name}`));
  services.add(`${s.cluster.dnsService.namespace}/${s.cluster.dnsService.name}`);
  const resolvers = new Set(s.resolvers.map((r) => r.name));

  // Unique names.
  unique(s.nodes.map((n) => n.name), 'nodes', 'name', 'node', err);
  unique(s.resolvers.map((r) => r.name), 'resolvers', 'name', 'resolver', err);
  unique(s.services.map((v) => `${v.namespace}/${v.name}`), 'services', 'name', 'service', err);
  const podKeys = [
    ...s.coredns.pods.map((p, i) => ({ key: `${s.coredns.namespace}/${p.name}`, path: `coredns.pods[${i}].name` })),
    ...s.pods.map((p, i) => ({ key: `${p.namespace}/${p.name}`, path: `pods[${i}].name` })),
  ];
  for (const { key, path } of podKeys) {
    if (pods.has(key)) err(path, `pod ${key} is declared twice; expected unique namespace/name pairs`);
    pods.add(key);
  }

  const dnsSvc = s.cluster.dnsService;
  if (dnsSvc.selector && dnsSvc.endpoints) err('cluster.dnsService.endpoints', 'a Service with a selector has its endpoints made by the controller; expected either selector or endpoints');
  (dnsSvc.endpoints ?? []).forEach((e, i) => {
    if (e.node !== undefined && !nodes.has(e.node)) err(`cluster.dnsService.endpoints[${i}].node`, `no node named "${e.node}"`);
  });

  // IPs: each address belongs to one thing (hostNetwork pods share their node's).
  const owners = new Map<string, string>();
  const claim = (ip: string, path: string) => {
    const prev = owners.get(ip);
    if (prev) err(path, `IP ${ip} is already used by ${prev}; expected a unique address`);
    else owners.set(ip, path);
  };
  s.nodes.forEach((n, i) => claim(n.ip, `nodes[${i}].ip`));
  claim(s.cluster.dnsService.ip, 'cluster.dnsService.ip');
  s.coredns.pods.forEach((p, i) => claim(p.ip, `coredns.pods[${i}].ip`));
  s.pods.forEach((p, i) => {
    if (!p.hostNetwork) claim(p.ip, `pods[${i}].ip`);
  });
  s.services.forEach((v, i) => {
    if (v.clusterIP && v.clusterIP !== 'None') claim(v.clusterIP, `services[${i}].clusterIP`);
  });
  s.resolvers.forEach((r, i) => claim(r.ip, `resolvers[${i}].ip`));

  // Pods on nodes, inside the node's pod CIDR (ranges parsed once per node, not once per pod).
  const ranges = new Map(s.nodes.map((n) => [n.podCIDR, ipv4Range(n.podCIDR)]));
  const inPodCidr = (cidr: string, ip: string): boolean => {
    const r = ranges.get(cidr);
    const v = r ? ipv4Value(ip) : undefined;
    return r && v !== undefined ? v >= r.first && v <= r.last : cidrContains(cidr, ip);
  };
  const placed = (path: string, nodeName: string, ip: string, hostNetwork: boolean) => {
    const node = nodes.get(nodeName);
    if (!node) {
      err(`${path}.node`, `node "${nodeName}" is not declared; expected one of: ${[...nodes.keys()].join(', ')}`);
      return;
    }
    if (hostNetwork) {
      if (ip !== node.ip) err(`${path}.ip`, `a hostNetwork pod has its node's IP; expected ${node.ip}`);
    } else if (!inPodCidr(node.podCIDR, ip)) {
      warn(`${path}.ip`, `${ip} is outside node ${node.name}'s podCIDR ${node.podCIDR}`);
    }
  };
  s.coredns.pods.forEach((p, i) => placed(`coredns.pods[${i}]`, p.node, p.ip, false));
  s.pods.forEach((p, i) => {
    const path = `pods[${i}]`;
    placed(path, p.node, p.ip, p.hostNetwork);
    if (p.dnsPolicy === 'None' && !(p.dnsConfig?.nameservers?.length)) {
      err(`${path}.dnsConfig.nameservers`, 'dnsPolicy None needs at least one nameserver in dnsConfig (the API server rejects the pod otherwise)');
    }
    if (p.namespace === s.coredns.namespace && s.coredns.pods.some((c) => c.name === p.name)) {
      err(`${path}.name`, `pod ${p.namespace}/${p.name} is also a CoreDNS pod; expected CoreDNS pods only under coredns.pods`);
    }
  });

  // Pods of one owner share one template: say when the scenario gives them different ones.
  const firstOfOwner = new Map<string, number>();
  s.pods.forEach((p, i) => {
    if (!p.owner) return;
    const k = `${p.namespace}/${p.owner.kind}/${p.owner.name}`;
    const j = firstOfOwner.get(k);
    if (j === undefined) return void firstOfOwner.set(k, i);
    const q = s.pods[j]!;
    const fields = (['dnsPolicy', 'dnsConfig', 'hostAliases', 'image', 'commands', 'hostNetwork'] as const).filter(
      (f) => JSON.stringify(p[f]) !== JSON.stringify(q[f]),
    );
    if (fields.length) {
      warn(`pods[${i}]`, `differs from pods[${j}] of the same ${p.owner.kind} ${p.owner.name} in ${fields.join(', ')}; the ${p.owner.kind}'s template is pods[${j}]'s`);
    }
  });

  // Node pod CIDRs must not overlap (kube-controller-manager hands out disjoint ranges).
  for (const [i, j] of overlappingCidrs(s.nodes.map((n) => n.podCIDR))) {
    err(`nodes[${j}].podCIDR`, `${s.nodes[j]!.podCIDR} overlaps nodes[${i}].podCIDR ${s.nodes[i]!.podCIDR}; expected disjoint pod CIDRs`);
  }

  // Services.
  s.services.forEach((v, i) => {
    const path = `services[${i}]`;
    const type = v.type ?? (v.externalName ? 'ExternalName' : 'ClusterIP');
    if (type === 'ExternalName') {
      if (!v.externalName) err(`${path}.externalName`, 'a Service of type ExternalName needs externalName (a domain name)');
      if (v.clusterIP && v.clusterIP !== 'None') err(`${path}.clusterIP`, 'an ExternalName Service has no clusterIP; expected it left out');
    } else if (!v.clusterIP) {
      err(`${path}.clusterIP`, 'expected clusterIP (an IP, or "None" for headless) or externalName');
    } else if (v.externalName) {
      err(`${path}.externalName`, `externalName is only for type ExternalName; this Service is ${type}`);
    }
    if (v.namespace === s.cluster.dnsService.namespace && v.name === s.cluster.dnsService.name) {
      err(`${path}.name`, `Service ${v.namespace}/${v.name} is the DNS Service the lab creates from cluster.dnsService; expected another name`);
    }
  });

  // Selectors.
  const checkSelector = (path: string, text: string) => {
    const sel = parseSelector(text);
    if ('error' in sel) return err(path, sel.error);
    const missing = dangling(sel, nodes, zones, pods, services);
    if (missing) err(path, missing);
  };
  s.network.forEach((r, i) => {
    const path = `network[${i}]`;
    if (r.from !== undefined) checkSelector(`${path}.from`, r.from);
    if (r.to !== undefined) checkSelector(`${path}.to`, r.to);
    if (r.action === 'loss' && r.rate === undefined) err(`${path}.rate`, 'action loss needs rate (a share of packets, 0..1)');
    if (r.action !== 'loss' && r.rate !== undefined) err(`${path}.rate`, `rate is only for action loss; this rule is ${r.action}`);
    if (r.action === 'delay' && r.ms === undefined) err(`${path}.ms`, 'action delay needs ms (milliseconds)');
    if (r.action !== 'delay' && r.ms !== undefined) err(`${path}.ms`, `ms is only for action delay; this rule is ${r.action}`);
  });

  // Resolvers.
  s.resolvers.forEach((r, i) => {
    const path = `resolvers[${i}]`;
    if (r.otherNames === 'forward' && !r.forwardTo) err(`${path}.forwardTo`, 'otherNames: forward needs forwardTo (a resolver name)');
    if (r.forwardTo !== undefined) {
      if (!resolvers.has(r.forwardTo)) {
        err(`${path}.forwardTo`, `resolver "${r.forwardTo}" is not declared; expected one of: ${[...resolvers].join(', ')}`);
      } else if (r.forwardTo === r.name) err(`${path}.forwardTo`, 'a resolver cannot forward to itself');
      if (r.otherNames !== 'forward') err(`${path}.otherNames`, 'forwardTo is set, so expected otherNames: forward');
    }
    r.records.forEach((rec, j) => checkRecord(`${path}.records[${j}]`, rec, err));
    r.views.forEach((v, j) => {
      v.match.forEach((m, k) => checkSelector(`${path}.views[${j}].match[${k}]`, m));
      v.records.forEach((rec, k) => checkRecord(`${path}.views[${j}].records[${k}]`, rec, err));
    });
  });

  // Network policies live in a namespace something uses (warning: a policy may be there on purpose).
  const namespaces = new Set([...s.pods.map((p) => p.namespace), s.coredns.namespace]);
  s.networkPolicies.forEach((np, i) => {
    if (!namespaces.has(np.metadata.namespace)) warn(`networkPolicies[${i}].metadata.namespace`, `no pod runs in namespace ${np.metadata.namespace}`);
  });

  // Expectations.
  s.expect.forEach((e, i) => {
    const path = `expect[${i}].why.pod`;
    const parts = e.why.pod.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) err(path, `"${e.why.pod}" must be NAMESPACE/POD`);
    else if (!pods.has(e.why.pod)) err(path, `pod ${e.why.pod} is not declared; expected one of: ${[...pods].join(', ')}`);
    if (e.applyFix && !e.fixes.includes(e.applyFix) && e.fixes.length > 0) {
      err(`expect[${i}].applyFix`, `${e.applyFix} is not among fixes [${e.fixes.join(', ')}]; expected a kind the diagnosis must offer`);
    }
    for (const id of e.findings) {
      if (e.absent.includes(id)) err(`expect[${i}].absent`, `${id} is both required and absent`);
    }
  });

  return { errors, warnings };
}

function unique(names: string[], list: string, field: string, what: string, err: (p: string, m: string) => void): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) err(`${list}[${i}].${field}`, `${what} ${n} is declared twice; expected unique names`);
    seen.add(n);
  });
}

function dangling(
  sel: Selector,
  nodes: Map<string, unknown>,
  zones: Set<string>,
  pods: Set<string>,
  services: Set<string>,
): string | undefined {
  switch (sel.kind) {
    case 'node':
      return nodes.has(sel.node) ? undefined : `node "${sel.node}" is not declared; expected one of: ${[...nodes.keys()].join(', ')}`;
    case 'zone':
      return zones.has(sel.zone)
        ? undefined
        : `no node has ${zoneLabel}=${sel.zone}; known zones: ${[...zones].join(', ') || '(none)'}`;
    case 'pod':
      return pods.has(`${sel.namespace}/${sel.name}`) ? undefined : `pod ${sel.namespace}/${sel.name} is not declared`;
    case 'service':
      return services.has(`${sel.namespace}/${sel.name}`) ? undefined : `service ${sel.namespace}/${sel.name} is not declared`;
    default:
      return undefined;
  }
}

const nameRe = /^([A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?\.?$/;

function checkRecord(
  path: string,
  rec: { type: string; values: string[] },
  err: (p: string, m: string) => void,
): void {
  rec.values.forEach((v, i) => {
    const at = `${path}.values[${i}]`;
    switch (rec.type) {
      case 'A':
        if (!isIp(v) || v.includes(':')) err(at, `"${v}" is not an IPv4 address; expected one for type A`);
        break;
      case 'AAAA':
        if (!isIp(v) || !v.includes(':')) err(at, `"${v}" is not an IPv6 address; expected one for type AAAA`);
        break;
      case 'CNAME':
      case 'PTR':
        if (!nameRe.test(v)) err(at, `"${v}" is not a domain name; expected one for type ${rec.type}`);
        break;
      case 'MX': {
        const [pref, host, ...rest] = v.trim().split(/\s+/);
        if (rest.length || !host || !/^\d+$/.test(pref ?? '') || !nameRe.test(host)) err(at, `"${v}" expected "PREFERENCE HOST" for type MX`);
        break;
      }
      case 'SRV': {
        const f = v.trim().split(/\s+/);
        if (f.length !== 4 || !f.slice(0, 3).every((x) => /^\d+$/.test(x)) || !nameRe.test(f[3]!)) {
          err(at, `"${v}" expected "PRIORITY WEIGHT PORT TARGET" for type SRV`);
        }
        break;
      }
    }
  });
  if (rec.type === 'CNAME' && rec.values.length > 1) err(`${path}.values`, 'a CNAME has exactly one target; expected one value');
}
