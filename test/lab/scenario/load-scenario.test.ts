import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  loadScenarioFile,
  loadScenarioFileDetailed,
  parseScenario,
  parseScenarioDetailed,
  ScenarioError,
} from '../../../src/lab/scenario/load-scenario.js';
import { defaultCorefile } from '../../../src/lab/scenario/default-corefile.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'small.yaml');
const base = readFileSync(fixture, 'utf8');

/** Applies a mutation to the fixture's data and returns the ScenarioError it produces. */
function mistake(mutate: (d: any) => void): ScenarioError {
  const data = parse(base);
  mutate(data);
  try {
    parseScenario(stringify(data), 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario loading', () => {
  it('loads a valid file with the contract defaults filled in', () => {
    const s = loadScenarioFile(fixture);
    expect(s.name).toBe('small-two-zones');
    expect(s.coredns.namespace).toBe('kube-system');
    expect(s.coredns.configMap).toBe('coredns');
    expect(s.coredns.labels).toEqual({ 'k8s-app': 'kube-dns' });
    expect(s.coredns.pods[0]!.ready).toBe(true);
    expect(s.pods[1]!.commands).toEqual(['cat', 'dig']);
    expect(s.pods[0]!.dnsPolicy).toBe('ClusterFirst');
    expect(s.resolvers[0]!.otherNames).toBe('nxdomain');
    expect(s.resolvers[0]!.records[0]!.ttl).toBe(60);
    expect(s.services[0]!.ports[0]!.protocol).toBe('TCP');
    expect(s.expect[0]!.findings).toEqual([]);
    expect(loadScenarioFileDetailed(fixture).warnings).toEqual([]);
  });

  it('fills defaults for a minimal file (domain, dnsService, seed, commands, default Corefile)', () => {
    const s = parseScenario(
      'version: 1\nname: tiny\ncluster: { dnsService: { ip: 10.96.0.10 } }\nnodes: [{ name: n1, ip: 10.0.0.1, podCIDR: 10.244.0.0/24 }]\npods: [{ namespace: default, name: p, node: n1, ip: 10.244.0.5 }]\n',
      'tiny.yaml',
    );
    expect(s.seed).toBe(1);
    expect(s.cluster.domain).toBe('cluster.local');
    expect(s.cluster.dnsService).toEqual({ namespace: 'kube-system', name: 'kube-dns', ip: '10.96.0.10' });
    expect(s.nodes[0]!.resolvConf).toBe('');
    expect(s.pods[0]!.commands).toEqual(['cat']);
    expect(s.coredns.corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
    expect(s.expect).toEqual([]);
  });

  it("fills in kubeadm's Corefile, the same text as examples/corefiles/kubeadm.Corefile", () => {
    const shipped = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'corefiles', 'kubeadm.Corefile'), 'utf8');
    expect(defaultCorefile('cluster.local')).toBe(shipped);
    expect(defaultCorefile('corp.example')).toBe(shipped.replace('kubernetes cluster.local ', 'kubernetes corp.example '));
  });

  it('reports YAML syntax errors with the file and line', () => {
    const e = (() => {
      try {
        parseScenario('version: 1\nname: x\nnodes: [ {name: a\n', 'broken.yaml');
      } catch (err) {
        return err as ScenarioError;
      }
    })()!;
    expect(e).toBeInstanceOf(ScenarioError);
    expect(e.message).toMatch(/^broken\.yaml:\d+: YAML syntax error/);
  });

  it('rejects duplicate keys and empty files', () => {
    expect(() => parseScenario('version: 1\nname: a\nname: b\n', 'dup.yaml')).toThrow(/dup\.yaml:3: YAML syntax error: Map keys must be unique/);
    expect(() => parseScenario('', 'empty.yaml')).toThrow(/empty\.yaml:1: expected a YAML mapping/);
  });

  it('rejects a document that is not a mapping', () => {
    expect(() => parseScenario('- a\n- b\n', 'list.yaml')).toThrow(/list\.yaml:1: expected a YAML mapping/);
  });

  it('reports a missing file as a ScenarioError naming it', () => {
    expect(() => loadScenarioFile('/nonexistent/x.yaml')).toThrow(/\/nonexistent\/x\.yaml: file not found/);
  });

  const cases: [string, (d: any) => void, string, RegExp][] = [
    ['unknown field, with a suggestion', (d) => (d.pods[1].dnsPolicyy = 'None'), 'pods[1].dnsPolicyy', /unknown field; did you mean "dnsPolicy"/],
    ['unknown top-level field', (d) => (d.nodez = []), 'nodez', /unknown field; did you mean "nodes"/],
    ['missing required field', (d) => delete d.pods[0].ip, 'pods[0].ip', /is required/],
    ['wrong version', (d) => (d.version = 2), 'version', /expected version: 1/],
    ['name not kebab-case', (d) => (d.name = 'Small_Two'), 'name', /kebab-case/],
    ['pod on an unknown node', (d) => (d.pods[1].node = 'node-z'), 'pods[1].node', /node "node-z" is not declared; expected one of: node-a, node-b/],
    ['CoreDNS pod on an unknown node', (d) => (d.coredns.pods[0].node = 'nope'), 'coredns.pods[0].node', /not declared/],
    ['invalid IP', (d) => (d.nodes[0].ip = '10.0.0.300'), 'nodes[0].ip', /expected an IPv4 address/],
    ['invalid CIDR', (d) => (d.nodes[1].podCIDR = '10.244.2.0/33'), 'nodes[1].podCIDR', /expected a CIDR/],
    ['duplicate IP', (d) => (d.pods[1].ip = '10.244.1.17'), 'pods[1].ip', /already used by pods\[0\]\.ip/],
    ['unknown dnsPolicy', (d) => (d.pods[0].dnsPolicy = 'ClusterFirstt'), 'pods[0].dnsPolicy', /expected one of/],
    ['selector that does not parse', (d) => (d.network[0].from = 'zone-b'), 'network[0].from', /not a selector; expected an IP, a CIDR, node:NAME/],
    ['selector naming an unknown zone', (d) => (d.network[0].from = 'zone:zone-c'), 'network[0].from', /no node has topology\.kubernetes\.io\/zone=zone-c; known zones: zone-a, zone-b/],
    ['pod selector without namespace', (d) => (d.network[0].to = 'pod:tools'), 'network[0].to', /pod:NAMESPACE\/NAME/],
    ['loss without rate', (d) => d.network.push({ to: 'service:kube-system/kube-dns', action: 'loss' }), 'network[1].rate', /needs rate/],
    ['delay without ms', (d) => d.network.push({ to: '10.0.0.2', action: 'delay' }), 'network[1].ms', /needs ms/],
    ['rate on a drop rule', (d) => (d.network[0].rate = 0.5), 'network[0].rate', /only for action loss/],
    ['rate out of range', (d) => d.network.push({ to: '10.0.0.2', action: 'loss', rate: 1.5 }), 'network[1].rate', /<=1|1/],
    ['expect names an unknown pod', (d) => (d.expect[0].why.pod = 'shop/nope'), 'expect[0].why.pod', /pod shop\/nope is not declared/],
    ['expect with an unknown check id', (d) => (d.expect[0].findings = ['upstream-splithorizon']), 'expect[0].findings[0]', /expected one of/],
    ['expect with an unknown check id, with the registered id nearest to it', (d) => (d.expect[0].absent = ['healthyy']), 'expect[0].absent[0]', /check "healthyy" is not registered; did you mean "healthy"\?/],
    ['forwardTo an unknown resolver', (d) => (d.resolvers[1].forwardTo = 'vpc-z'), 'resolvers[1].forwardTo', /resolver "vpc-z" is not declared/],
    ['otherNames forward without forwardTo', (d) => delete d.resolvers[1].forwardTo, 'resolvers[1].forwardTo', /needs forwardTo/],
    ['A record with a non-IP value', (d) => (d.resolvers[0].records[0].values = ['s3.other']), 'resolvers[0].records[0].values[0]', /not an IPv4 address/],
    ['service without clusterIP or externalName', (d) => delete d.services[0].clusterIP, 'services[0].clusterIP', /expected clusterIP/],
    ['dnsPolicy None without nameservers', (d) => (d.pods[1].dnsPolicy = 'None'), 'pods[1].dnsConfig.nameservers', /at least one nameserver/],
    ['more than 3 dnsConfig nameservers', (d) => (d.pods[1].dnsConfig.nameservers = ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4']), 'pods[1].dnsConfig.nameservers', /at most 3/],
    ['duplicate pod', (d) => d.pods.push({ ...d.pods[1], ip: '10.244.2.10' }), 'pods[2].name', /declared twice/],
    ['overlapping pod CIDRs', (d) => (d.nodes[1].podCIDR = '10.244.0.0/16'), 'nodes[1].podCIDR', /overlaps/],
    ['wrong type', (d) => (d.seed = 'seven'), 'seed', /expected number/],
    ['label with a dotted key keeps its path readable', (d) => (d.nodes[0].labels['topology.kubernetes.io/zone'] = 5), 'nodes[0].labels["topology.kubernetes.io/zone"]', /expected string/],
  ];

  for (const [what, mutate, path, message] of cases) {
    it(`rejects: ${what} (names file, path and what was expected)`, () => {
      const e = mistake(mutate);
      const problem = e.problems.find((p) => p.path === path);
      expect(problem, `problems: ${e.message}`).toBeDefined();
      expect(problem!.message).toMatch(message);
      expect(e.message).toContain(`bad.yaml:`);
      expect(e.message).toContain(`: ${path}: `);
      expect(problem!.line).toBeGreaterThan(0);
    });
  }

  it('points at the line of the offending value in the original text', () => {
    const text = base.replace('node: node-b\n    ip: 10.244.2.9', 'node: node-q\n    ip: 10.244.2.9');
    const line = text.split('\n').findIndex((l) => l.includes('node: node-q')) + 1;
    try {
      parseScenario(text, 'f.yaml');
      throw new Error('no error');
    } catch (e) {
      expect((e as ScenarioError).problems[0]).toMatchObject({ path: 'pods[1].node', line });
      expect((e as Error).message.startsWith(`f.yaml:${line}: pods[1].node: `)).toBe(true);
    }
  });

  it('reports every problem at once, not only the first', () => {
    const e = mistake((d) => {
      d.pods[0].node = 'x';
      d.pods[1].node = 'y';
    });
    expect(e.problems.map((p) => p.path)).toEqual(['pods[0].node', 'pods[1].node']);
  });

  it('warns (does not fail) when a pod IP is outside its node podCIDR', () => {
    const data = parse(base);
    data.pods[1].ip = '10.244.9.9';
    const { warnings } = parseScenarioDetailed(stringify(data), 'w.yaml');
    expect(warnings).toEqual(["w.yaml: pods[1].ip: 10.244.9.9 is outside node node-b's podCIDR 10.244.2.0/24"]);
  });

  it('loads from disk and reports the path given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, base.replace('version: 1', 'version: 1\nextra: true'));
    expect(() => loadScenarioFile(file)).toThrow(new RegExp(`${file}:2: extra: unknown field`));
  });
});

describe('pods of one owner', () => {
  it('warns when pods of the same Deployment differ in their template fields', () => {
    const data = parse(base);
    data.pods.push({ ...data.pods[0], name: 'web-6c9f7b5d8-zzzzz', ip: '10.244.1.18', hostAliases: [] });
    const { warnings } = parseScenarioDetailed(stringify(data), 'w.yaml');
    expect(warnings).toEqual(["w.yaml: pods[2]: differs from pods[0] of the same Deployment web in hostAliases; the Deployment's template is pods[0]'s"]);
  });
});

describe('scenario files in JSON', () => {
  const json = JSON.stringify(parse(base), null, 2);

  it('reads a JSON scenario to the same result as its YAML form', () => {
    expect(parseScenario(json, 'small.json')).toEqual(parseScenario(base, 'small.yaml'));
  });

  it('names the line of a problem in a JSON file, as for YAML', () => {
    const data = parse(base);
    data.pods[0].node = 'no-such-node';
    const text = JSON.stringify(data, null, 2);
    const err = (() => {
      try {
        parseScenario(text, 'bad.json');
      } catch (e) {
        return e as ScenarioError;
      }
      throw new Error('expected a ScenarioError');
    })();
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.message).toMatch(/bad\.json/);
    expect(err.message).toMatch(/pods\[0\]\.node/);
    expect(err.problems[0]!.line).toBe(text.split('\n').findIndex((l) => l.includes('no-such-node')) + 1);
  });

  it('refuses a key given twice in one object (JSON.parse alone would keep the last)', () => {
    const text = json.replace('"version": 1,', '"version": 1,\n  "name": "first",');
    expect(() => parseScenario(text, 'twice.json')).toThrow(/"name" appears twice/);
    // Keys may repeat across objects, and inside strings anything goes.
    expect(() => parseScenario(json.replace(/"description": "[^"]*"/, '"description": "a \\"name\\": twice {"'), 'ok.json')).not.toThrow();
  });
});
