/**
 * NetworkPolicies on the kernel: on the netns backend they are nft chains in the nodes
 * (src/lab/netns/policy-plan.ts) and no lab server judges them any more, so a denied packet is
 * dropped by the kernel or not at all. The pod's real nslookup times out under the egress policy and
 * answers once a policy allowing DNS is applied (the chains follow the API), and the policy
 * scenarios diagnose to the same verdicts and findings as on the loopback backend, whose enforcement
 * is the reference (src/lab/net/network-policies.ts): egress denied by namespaceSelector and port, a
 * default deny that forgets DNS, and a healthy control with ingress rules on the CoreDNS pods.
 * Needs root or a user namespace (see require-netns.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNetnsLab } from './lab-process.js';
import { assertNetnsAvailable } from './require-netns.js';

const root = join(import.meta.dirname, '../../..');
// The CI share: the policy variant and the policy controls; DNSWHY_NETNS_FULL=1 adds the default-deny case.
const files = [
  'scenarios/variants/egress-policy-blocks-dns.yaml',
  'scenarios/cases/control-egress-policy-allows-dns.yaml',
  'scenarios/cases/control-ingress-policy-on-coredns.yaml',
  ...(process.env.DNSWHY_NETNS_FULL === '1' ? ['scenarios/cases/egress-default-deny-forgets-dns.yaml'] : []),
];

interface LabTestJson {
  scenarios: { file: string; expectations: { pod: string; name: string; ok: boolean; verdict: string; findings: string[]; problems: string[] }[] }[];
}

function labTest(backend: 'loopback' | 'netns'): Promise<LabTestJson> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/dnswhy.js'), 'lab', 'test', '--json', '--backend', backend, ...files], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as LabTestJson);
      } catch {
        reject(new Error(`lab test --backend ${backend} printed no JSON: ${out}${err}`));
      }
    });
  });
}

const outcomes = (r: LabTestJson) => r.scenarios.flatMap((s) => s.expectations.map((e) => ({ file: s.file, why: `${e.pod} ${e.name}`, verdict: e.verdict, findings: [...e.findings].sort(), problems: e.problems })));

describe('NetworkPolicies as nft rules (real kernel)', () => {
  beforeAll(assertNetnsAvailable);

  it('the kernel drops the pod\'s DNS under the egress policy, and passes it once a policy allows DNS', async () => {
    const { child: lab, kubeconfig } = await startNetnsLab(files[0]!);
    try {
      const env = { ...process.env, KUBECONFIG: kubeconfig };
      const kubectl = (args: string[], input?: string) => spawnSync('kubectl', args, { encoding: 'utf8', env, timeout: 60_000, ...(input ? { input } : {}) });
      const lookup = () => kubectl(['exec', '-n', 'orders', 'orders-7c9d8b6f5-pl2mx', '--', 'nslookup', 'ledger.billing.svc.cluster.local']);
      const denied = lookup();
      expect(denied.stdout + denied.stderr).toMatch(/connection timed out; no servers could be reached/);
      const allowDns = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns', namespace: 'orders' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] } };
      const applied = kubectl(['apply', '-f', '-'], JSON.stringify(allowDns));
      expect(applied.status, applied.stderr).toBe(0);
      const allowed = lookup();
      expect(allowed.stdout, allowed.stderr).toMatch(/Address:\s+10\.43\.77\.5/);
    } finally {
      lab.kill('SIGINT');
      await new Promise((r) => lab.once('exit', r));
    }
  }, 120_000);

  it('policy scenarios diagnose on the kernel as on loopback, and their expectations hold', async () => {
    // Both at once: most of a diagnosis is waiting out timeouts, not CPU.
    const [kernel, loopback] = await Promise.all([labTest('netns'), labTest('loopback')]);
    expect(outcomes(kernel).map((o) => o.problems)).toEqual(files.map(() => []));
    expect(outcomes(kernel).map(({ problems: _, ...o }) => o)).toEqual(outcomes(loopback).map(({ problems: _, ...o }) => o));
    expect(outcomes(kernel).map((o) => o.verdict)).toEqual(['broken', 'healthy', 'healthy', 'broken'].slice(0, files.length));
  }, 180_000);
});
