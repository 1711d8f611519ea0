/**
 * The REAL kubectl (Debian's package, /usr/bin/kubectl) against the lab's API server, with a fresh
 * HOME so its discovery cache starts empty.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLab, type TestLab } from './helpers/test-lab.js';

const run = promisify(execFile);
let t: TestLab;
let home: string;

/** A FAKE probe runner (the real one is exercised in lab.test.ts): prints what it was given. */
const echoProbeRunner = async (argv: string[], rt: { podIp: string }) => ({ stdout: `${JSON.stringify({ argv: argv.slice(0, 3), podIp: rt.podIp })}\n`, stderr: '', exitCode: 0 });

beforeAll(async () => {
  t = await startTestLab('small.yaml', { probeRunner: echoProbeRunner });
  home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
});
afterAll(async () => {
  await t.lab.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Runs kubectl (asynchronously: the API server lives in this process) and returns stdout, stderr and the exit code. */
async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('kubectl', args, { env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: t.lab.kubeconfigPath }, timeout: 20000 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e: any) {
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

describe('real kubectl against the lab', () => {
  it('get pods -A prints the server-side table', async () => {
    const r = await kubectl('get', 'pods', '-A');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['kube-system', 'coredns-5d78c9869d-aaaaa', '1/1', 'Running'],
      ['kube-system', 'coredns-5d78c9869d-bbbbb', '1/1', 'Running'],
      ['shop', 'tools', '1/1', 'Running'],
      ['shop', 'web-6c9f7b5d8-x2k4p', '1/1', 'Running'],
    ]);
  });

  it('get pods -A -o wide adds IP and NODE', async () => {
    const r = await kubectl('get', 'pods', '-A', '-o', 'wide');
    expect(r.stdout.split('\n')[0]).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    const web = r.stdout.split('\n').find((l) => l.includes('web-6c9f7b5d8-x2k4p'))!.split(/\s+/);
    expect(web.slice(6, 8)).toEqual(['10.244.1.17', 'node-a']);
  });

  it('get cm -n kube-system coredns -o yaml prints the Corefile', async () => {
    const r = await kubectl('get', 'cm', '-n', 'kube-system', 'coredns', '-o', 'yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: ConfigMap');
    expect(r.stdout).toContain('  Corefile: |\n    .:53 {\n        errors\n');
    expect(r.stdout).toMatch(/resourceVersion: "\d+"/);
  });

  it('exec -- cat /etc/resolv.conf prints the kubelet-generated file; a missing command exits 127', async () => {
    const r = await kubectl('exec', '-n', 'shop', 'web-6c9f7b5d8-x2k4p', '--', 'cat', '/etc/resolv.conf');
    expect(r).toEqual({ stdout: 'search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal\nnameserver 10.96.0.10\noptions ndots:5\n', stderr: '', code: 0 });
    const bad = await kubectl('exec', '-n', 'shop', 'tools', '--', 'getent', 'hosts', 'x');
    expect(bad.code).toBe(127);
    expect(bad.stderr).toContain('executable file not found in $PATH');
    expect(bad.stderr).toContain('command terminated with exit code 127');
  });

  it('patch cm (merge) changes the ConfigMap and CoreDNS reloads it', async () => {
    const r = await kubectl('patch', 'cm', 'coredns', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({ data: { Corefile: '.:53 {\n    whoami\n}\n' } }));
    expect(r.stdout.trim()).toBe('configmap/coredns patched');
    expect(t.fake.reloads.at(-1)!.text).toBe('.:53 {\n    whoami\n}\n');
    const again = await kubectl('get', 'cm', 'coredns', '-n', 'kube-system', '-o', 'jsonpath={.data.Corefile}');
    expect(again.stdout).toBe('.:53 {\n    whoami\n}\n');
  });

  it('get endpointslices -n kube-system lists the DNS Service slice', async () => {
    const r = await kubectl('get', 'endpointslices', '-n', 'kube-system');
    expect(r.code).toBe(0);
    const row = r.stdout.trim().split('\n')[1]!.split(/\s+/);
    expect(row[0]).toMatch(/^kube-dns-[a-z0-9]{5}$/);
    expect(row.slice(1, 4)).toEqual(['IPv4', '53,53,9153', '10.244.1.2,10.244.2.2']);
  });

  it('rollout restart replaces the CoreDNS replicas and rollout status sees it complete (watch)', async () => {
    const before = t.fake.replicaSets.length;
    const r = await kubectl('rollout', 'restart', 'deployment/coredns', '-n', 'kube-system');
    expect(r.stdout.trim()).toBe('deployment.apps/coredns restarted');
    expect(t.fake.replicaSets.length).toBe(before + 1);
    const status = await kubectl('rollout', 'status', 'deployment/coredns', '-n', 'kube-system', '--timeout=10s');
    expect(status.stdout.trim()).toBe('deployment "coredns" successfully rolled out');
    const pods = await kubectl('get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'name');
    expect(pods.stdout.trim().split('\n').sort()).toEqual(t.fake.replicaSets.at(-1)!.map((p) => `pod/${p.name}`).sort());
  });

  it('describe pod works (events list is served, empty)', async () => {
    const r = await kubectl('describe', 'pod', '-n', 'shop', 'tools');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Node:\s+node-b\/10\.0\.1\.10$/m);
    expect(r.stdout).toMatch(/^IP:\s+10\.244\.2\.9$/m);
    expect(r.stdout).toMatch(/^Events:\s+<none>$/m);
  });

  it('debug adds an ephemeral probe container; logs -c reads its output', async () => {
    const r = await kubectl('debug', '-n', 'shop', 'tools', '--image=dnswhy:dev', '--target=tools', '-c', 'dbg', '--', 'dnswhy', 'probe', '--spec', '{"name":"x.example"}');
    expect(r.code).toBe(0);
    for (;;) {
      const pod = await t.core.readNamespacedPod({ namespace: 'shop', name: 'tools' });
      if (pod.status!.ephemeralContainerStatuses?.find((s) => s.name === 'dbg')?.state?.terminated) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    const logs = await kubectl('logs', '-n', 'shop', 'tools', '-c', 'dbg');
    expect(JSON.parse(logs.stdout)).toEqual({ argv: ['dnswhy', 'probe', '--spec'], podIp: '10.244.2.9' });
  });

  it('a missing pod is reported as kubectl reports a 404', async () => {
    const r = await kubectl('get', 'pod', '-n', 'shop', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
  });
});
