/**
 * The whole lab: the API side with the real DNS world and the real pod probe, real
 * packets on loopback; kubeconfig; clean stop.
 */
import { X509Certificate } from 'node:crypto';
import { labFetch } from './helpers/test-lab.js';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { fixture } from './helpers/test-lab.js';

const sockets = () => process.getActiveResourcesInfo().filter((r) => /TCPServerWrap|TCPSocketWrap|UDPWrap/.test(r)).length;

let lab: Lab;
let core: CoreV1Api;
let socketsBefore: number;
beforeAll(async () => {
  socketsBefore = sockets();
  lab = await startLab(fixture('small.yaml'), { dnsOptions: { forwardReadTimeoutMs: 300, toolTimeoutScale: 0.05 } });
  const kc = new KubeConfig();
  kc.loadFromFile(lab.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await lab.stop();
});

describe('startLab with the real DNS world and pod probe', () => {
  it('writes kubeconfigs for HTTPS on loopback with its own certificate authority: an admin token and the worker service account token', async () => {
    const text = readFileSync(lab.kubeconfigPath, 'utf8');
    expect(text).toBe(lab.kubeconfig);
    expect(text).toContain(`    server: ${lab.apiUrl}\n    certificate-authority-data: ${Buffer.from(lab.ca).toString('base64')}\n`);
    expect(text).not.toContain('insecure-skip-tls-verify');
    expect(lab.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(new X509Certificate(lab.ca).checkIP('127.0.0.1')).toBe('127.0.0.1');
    const worker = readFileSync(lab.workerKubeconfigPath, 'utf8');
    expect(worker).toContain('- name: dnswhy-worker\n  user:\n    token: ');
    // The worker's token is the service account's: the shipped role lets it list pods, not Secrets.
    const token = /token: (\S+)/.exec(worker)![1]!;
    const as = (path: string) => labFetch(lab, path, { headers: { authorization: `Bearer ${token}` } });
    expect((await as('/api/v1/pods')).status).toBe(200);
    const denied = await as('/api/v1/namespaces/kube-system/secrets');
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ reason: 'Forbidden', message: 'secrets is forbidden: User "system:serviceaccount:dnswhy:dnswhy-worker" cannot list resource "secrets" in API group "" in the namespace "kube-system"' });
    expect((await labFetch(lab, '/api/v1/pods', { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  });

  it('exec getent in a pod resolves through CoreDNS and the node resolver with the pod search list', async () => {
    const r = await lab.backend.exec('shop', 'web-6c9f7b5d8-x2k4p', 'web', ['getent', 'hosts', 's3.corp.example']);
    expect(r).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^10\.50\.0\.1\s+s3\.corp\.example\n$/) });
  });

  it('the real kubectl execs nslookup in a pod: real DNS packets from the pod address through the DNS Service', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
    try {
      const r = await promisify(execFile)('kubectl', ['exec', '-n', 'shop', 'web-6c9f7b5d8-x2k4p', '--', 'nslookup', 'web.shop.svc.cluster.local'], {
        env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: lab.kubeconfigPath },
      });
      expect(r.stdout).toContain('Address: 10.96.3.4');
      expect(r.stdout).toContain('10.96.0.10');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("pods/proxy reaches a CoreDNS replica's metrics, whose reload hash changes after a ConfigMap patch", async () => {
    const name = 'coredns-5d78c9869d-aaaaa:9153';
    const before = await core.connectGetNamespacedPodProxyWithPath({ namespace: 'kube-system', name, path: 'metrics' });
    const hash = (t: string) => t.match(/coredns_reload_version_info\{hash="sha512",value="([0-9a-f]+)"\}/)?.[1];
    expect(hash(before)).toBeDefined();
    const cm = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'coredns' });
    await core.patchNamespacedConfigMap(
      { namespace: 'kube-system', name: 'coredns', body: { metadata: { resourceVersion: cm.metadata!.resourceVersion }, data: { Corefile: cm.data!.Corefile!.replace('cache 30', 'cache 15') } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const after = await core.connectGetNamespacedPodProxyWithPath({ namespace: 'kube-system', name, path: 'metrics' });
    expect(hash(after)).toBeDefined();
    expect(hash(after)).not.toBe(hash(before));
  });

  it('a probe pod runs the real probe from its own address and logs its evidence JSON', async () => {
    const spec = { name: 's3.corp.example', dnsServiceIp: '10.96.0.10', endpoints: [{ ip: '10.244.1.2', pod: 'coredns-5d78c9869d-aaaaa', node: 'node-a' }], tcpPorts: [443], timeoutScale: 0.05 };
    await core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'dnswhy-twin' },
        spec: { nodeName: 'node-a', restartPolicy: 'Never', containers: [{ name: 'probe', image: 'dnswhy:dev', command: ['dnswhy', 'probe', '--spec', JSON.stringify(spec)] }] },
      },
    });
    let phase = '';
    while (phase !== 'Succeeded' && phase !== 'Failed') {
      await new Promise((r) => setTimeout(r, 20));
      phase = (await core.readNamespacedPod({ namespace: 'shop', name: 'dnswhy-twin' })).status!.phase!;
    }
    const log = await core.readNamespacedPodLog({ namespace: 'shop', name: 'dnswhy-twin' });
    expect(phase).toBe('Succeeded');
    const out = JSON.parse(log);
    expect(Array.isArray(out.evidence)).toBe(true);
    const lookup = out.evidence.find((e: any) => e.kind === 'lookup');
    expect(lookup).toBeDefined();
    expect(JSON.stringify(lookup)).toContain('10.50.0.1');
  });

  it("kubectl logs of a CoreDNS pod shows the replica's start-up banner", async () => {
    const log = await core.readNamespacedPodLog({ namespace: 'kube-system', name: 'coredns-5d78c9869d-bbbbb' });
    expect(log).toMatch(/CoreDNS-\d+\.\d+\.\d+/);
  });

  it('a bad probe spec fails the pod with exit code 2 and the spec error in the log', async () => {
    await core.createNamespacedPod({
      namespace: 'shop',
      body: { metadata: { name: 'dnswhy-bad' }, spec: { nodeName: 'node-b', containers: [{ name: 'probe', image: 'dnswhy:dev', command: ['dnswhy', 'probe', '--spec', '{"name":1}'] }] } },
    });
    let pod;
    do {
      await new Promise((r) => setTimeout(r, 20));
      pod = await core.readNamespacedPod({ namespace: 'shop', name: 'dnswhy-bad' });
    } while (pod.status!.phase !== 'Failed' && pod.status!.phase !== 'Succeeded');
    expect(pod.status!.containerStatuses![0]!.state!.terminated!.exitCode).toBe(2);
    expect(await core.readNamespacedPodLog({ namespace: 'shop', name: 'dnswhy-bad' })).toMatch(/^dnswhy probe: /);
  });

  it('stop() closes every server and socket and removes the kubeconfig folder', async () => {
    const url = lab.apiUrl;
    const path = lab.kubeconfigPath;
    await lab.stop();
    expect(existsSync(path)).toBe(false);
    await expect(fetch(`${url}/version`)).rejects.toThrow();
    // Let closed handles be released before counting.
    await new Promise((r) => setTimeout(r, 50));
    expect(sockets()).toBeLessThanOrEqual(socketsBefore);
  });
});
