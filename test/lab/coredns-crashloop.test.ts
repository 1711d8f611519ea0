/**
 * The emulated CoreDNS exits as real CoreDNS does: on a Corefile it refuses and on a forwarding loop its
 * loop plugin detects at start-up. Its pod then crash-loops (waiting CrashLoopBackOff, restarts, last
 * termination Error/1), leaves the DNS Service's endpoints, and `kubectl logs` (the real kubectl) prints the
 * reason; a fixed ConfigMap brings it back. Scenario pods can also start with a history of their own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { parseScenario } from '../../src/lab/scenario/load-scenario.js';
import { queryDns } from '../../src/probes/dns/dns-client.js';

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.stop()));
  rmSync(home, { recursive: true, force: true });
});

async function kubectl(lab: Lab, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('kubectl', args, { env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: lab.kubeconfigPath }, timeout: 20000 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e: any) {
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

function scenario(opts: { corefile?: string; nodeResolvConf?: string; corednsPod?: Record<string, unknown> }): string {
  const corefile = (opts.corefile ?? '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n}\n')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return [
    'version: 1',
    'name: crashloop-test',
    'cluster:',
    '  dnsService: { ip: 10.96.0.10 }',
    'nodes:',
    '  - name: n1',
    '    ip: 10.0.0.11',
    '    podCIDR: 10.244.0.0/24',
    '    resolvConf: |',
    `      ${opts.nodeResolvConf ?? 'nameserver 10.0.0.2'}`,
    'coredns:',
    '  corefile: |',
    corefile,
    '  pods:',
    `    - ${JSON.stringify({ name: 'coredns-6f6b679f8f-aaaaa', node: 'n1', ip: '10.244.0.2', ...opts.corednsPod })}`,
    '    - { name: coredns-6f6b679f8f-bbbbb, node: n1, ip: 10.244.0.3 }',
    'pods:',
    '  - { namespace: default, name: web-1, node: n1, ip: 10.244.0.20 }',
    'resolvers:',
    '  - name: site',
    '    ip: 10.0.0.2',
    '    records: [{ name: www.example.org, type: A, values: [203.0.113.80] }]',
  ].join('\n');
}

async function lab(yaml: string): Promise<Lab> {
  const l = await startLab(parseScenario(yaml, 'crashloop.yaml'));
  labs.push(l);
  return l;
}

const status = async (l: Lab, name: string) => JSON.parse((await kubectl(l, '-n', 'kube-system', 'get', 'pod', name, '-o', 'json')).stdout).status;

describe('CoreDNS that exits, in the lab', () => {
  it('a refused Corefile: CrashLoopBackOff with the error and its line in the log; the pod leaves the endpoints; a fixed ConfigMap brings it back', async () => {
    const l = await lab(scenario({ corefile: '.:53 {\n    errors\n    kubernetes cluster.local\n    proxy . /etc/resolv.conf\n    reload\n}\n' }));
    const st = await status(l, 'coredns-6f6b679f8f-aaaaa');
    const cs = st.containerStatuses[0];
    expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(cs.restartCount).toBeGreaterThan(0);
    expect(cs.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(st.conditions.find((c: any) => c.type === 'Ready').status).toBe('False');
    const logs = await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-aaaaa');
    expect(logs.code).toBe(0);
    expect(logs.stdout.trim().split('\n').at(-1)).toBe("/etc/coredns/Corefile:4 - Error during parsing: Unknown directive 'proxy'");
    expect((await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-aaaaa', '--previous')).stdout).toContain("Unknown directive 'proxy'");
    const table = (await kubectl(l, 'get', 'pods', '-n', 'kube-system')).stdout;
    expect(table).toMatch(/coredns-6f6b679f8f-aaaaa\s+0\/1\s+CrashLoopBackOff\s+5/);
    const slices = JSON.parse((await kubectl(l, '-n', 'kube-system', 'get', 'endpointslices', '-o', 'json')).stdout).items.filter((s: any) => s.metadata.labels['kubernetes.io/service-name'] === 'kube-dns');
    expect(slices.flatMap((s: any) => s.endpoints.map((e: any) => e.conditions.ready))).toEqual([false, false]);
    // Nothing answers: the DNS Service has no backend (kube-proxy rejects).
    const q = await queryDns({ ip: '10.96.0.10' }, 'kubernetes.default.svc.cluster.local', 'A', { network: l.network, sourceIp: '10.244.0.20', tries: 1, timeoutMs: 500 });
    expect(q.outcome).not.toBe('answer');

    const fixed = '.:53 {\n    errors\n    kubernetes cluster.local\n    forward . /etc/resolv.conf\n    reload\n}\n';
    const patch = await kubectl(l, '-n', 'kube-system', 'patch', 'configmap', 'coredns', '--type', 'merge', '-p', JSON.stringify({ data: { Corefile: fixed } }));
    expect(patch.code).toBe(0);
    await expect.poll(async () => (await status(l, 'coredns-6f6b679f8f-aaaaa')).containerStatuses[0].ready, { timeout: 5000 }).toBe(true);
    const back = (await status(l, 'coredns-6f6b679f8f-aaaaa')).containerStatuses[0];
    expect(back.state.running).toBeDefined();
    expect(back.restartCount).toBe(cs.restartCount + 1);
    expect(back.lastState.terminated.reason).toBe('Error');
    expect((await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-aaaaa', '--previous')).stdout).toContain("Unknown directive 'proxy'");
    const ok = await queryDns({ ip: '10.96.0.10' }, 'www.example.org', 'A', { network: l.network, sourceIp: '10.244.0.20' });
    expect(ok.answers.map((a) => a.data)).toEqual(['203.0.113.80']);
  });

  it('forward to a loopback resolver with the loop plugin: the loop is logged and CoreDNS exits; without loop the queries time out', async () => {
    const l = await lab(scenario({ nodeResolvConf: 'nameserver 127.0.0.53' }));
    const cs = (await status(l, 'coredns-6f6b679f8f-bbbbb')).containerStatuses[0];
    expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
    const logs = (await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-bbbbb')).stdout;
    expect(logs).toMatch(/\[FATAL\] plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> :53\) detected for zone "\."/);

    const noLoop = await lab(scenario({ nodeResolvConf: 'nameserver 127.0.0.53', corefile: '.:53 {\n    errors\n    kubernetes cluster.local\n    forward . /etc/resolv.conf\n}\n' }));
    expect((await status(noLoop, 'coredns-6f6b679f8f-aaaaa')).containerStatuses[0].ready).toBe(true);
    const q = await queryDns({ ip: '10.244.0.2' }, 'www.example.org', 'A', { network: noLoop.network, sourceIp: '10.244.0.20', tries: 1, timeoutMs: 800 });
    expect(q.outcome).toBe('timeout');
  });

  it('a scenario pod starts with its own history: OOMKilled last time, restarts, logs and previous logs', async () => {
    const l = await lab(
      scenario({ corednsPod: { restarts: 12, lastTerminated: { reason: 'OOMKilled', exitCode: 137 }, logs: '[INFO] plugin/reload: Running configuration SHA512 = abc\n', previousLogs: 'fatal error: runtime: out of memory\n' } }),
    );
    const cs = (await status(l, 'coredns-6f6b679f8f-aaaaa')).containerStatuses[0];
    expect([cs.restartCount, cs.lastState.terminated.reason, cs.lastState.terminated.exitCode, cs.ready]).toEqual([12, 'OOMKilled', 137, true]);
    expect((await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-aaaaa', '--previous')).stdout).toBe('fatal error: runtime: out of memory\n');
    expect((await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-aaaaa')).stdout).toMatch(/^\[INFO\] plugin\/reload: Running configuration SHA512 = abc\n\.:53\n/);
    expect((await kubectl(l, '-n', 'kube-system', 'logs', 'coredns-6f6b679f8f-bbbbb', '--previous')).stderr).toContain('previous terminated container "coredns" in pod "coredns-6f6b679f8f-bbbbb" not found');
  });
});
