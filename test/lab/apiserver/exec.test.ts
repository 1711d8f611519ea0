import { Exec, type V1Status } from '@kubernetes/client-node';
import { request } from 'node:https';
import { PassThrough } from 'node:stream';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab();
});
afterAll(async () => {
  await t.lab.stop();
});

/** Runs a command with client-node's Exec (WebSocket, v5 first) and collects what came back. */
async function exec(ns: string, pod: string, container: string, command: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(t.kc)
      .exec(ns, pod, container, command, stdout, stderr, null, false, resolve)
      .then((ws) => ws.on('close', () => setTimeout(() => reject(new Error('closed without status')), 50)))
      .catch(reject);
  });
  return { status, stdout: out, stderr: err };
}

describe('pods/exec over WebSocket', () => {
  it('cat prints the generated resolv.conf and /etc/hosts, exit status Success', async () => {
    const r = await exec('shop', 'web-6c9f7b5d8-x2k4p', 'web', ['cat', '/etc/resolv.conf', '/etc/hosts']);
    expect(r.status.status).toBe('Success');
    expect(r.stdout).toBe(
      'search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal\nnameserver 10.96.0.10\noptions ndots:5\n' +
        '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.1.17\tweb-6c9f7b5d8-x2k4p\n\n# Entries added by HostAliases.\n10.1.2.3\tlegacy.corp.example\tlegacy\n',
    );
    expect(r.stderr).toBe('');
  });

  it('the dnsConfig of a pod shows in its resolv.conf', async () => {
    const r = await exec('shop', 'tools', 'tools', ['cat', '/etc/resolv.conf']);
    expect(r.stdout).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:2\n');
  });

  it('cat of a missing file: stderr as cat prints it and exit code 1 in the status frame', async () => {
    const r = await exec('shop', 'tools', 'tools', ['cat', '/etc/nope']);
    expect(r.stderr).toBe('cat: /etc/nope: No such file or directory\n');
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '1' }] } });
  });

  it('a command the image does not have fails as runc does (exit 127)', async () => {
    const r = await exec('shop', 'tools', 'tools', ['getent', 'hosts', 'x']);
    expect(r.stderr).toBe('OCI runtime exec failed: exec failed: unable to start container process: exec: "getent": executable file not found in $PATH: unknown\n');
    expect(r.status.details!.causes![0]).toEqual({ reason: 'ExitCode', message: '127' });
  });

  it('DNS tools go to the DNS world with the pod identity (FAKE DNS world here)', async () => {
    const r = await exec('shop', 'tools', 'tools', ['dig', 's3.corp.example']);
    expect(r.stdout).toBe('fake dig from 10.244.2.9\n');
    expect(t.fake.tools.at(-1)).toEqual({ pod: { namespace: 'shop', name: 'tools', ip: '10.244.2.9', node: 'node-b' }, argv: ['dig', 's3.corp.example'] });
    const failed = await exec('shop', 'tools', 'tools', ['dig', '--fail']);
    expect(failed.stderr).toBe('fake failure\n');
    expect(failed.status.details!.causes![0]!.message).toBe('9');
  });

  it('CoreDNS images have no shell tools: cat fails there', async () => {
    const r = await exec('kube-system', 'coredns-5d78c9869d-aaaaa', 'coredns', ['cat', '/etc/resolv.conf']);
    expect(r.status.details!.causes![0]!.message).toBe('127');
  });

  it('speaks v4.channel.k8s.io too, and answers SPDY upgrades with 400', async () => {
    const url = `${t.lab.apiUrl.replace('http', 'ws')}/api/v1/namespaces/shop/pods/tools/exec?command=cat&command=%2Fetc%2Fhostname&container=tools&stdout=true&stderr=true`;
    const frames: Buffer[] = [];
    const ws = new WebSocket(url, ['v4.channel.k8s.io'], { ca: t.lab.ca, headers: { Authorization: `Bearer ${t.lab.adminToken}` } });
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (d) => frames.push(d as Buffer));
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    expect(frames[0]![0]).toBe(1);
    expect(frames[0]!.subarray(1).toString()).toBe('tools\n');
    expect(JSON.parse(frames.at(-1)!.subarray(1).toString())).toEqual({ metadata: {}, status: 'Success' });

    const res = await new Promise<number>((resolve) => {
      const r = request(`${t.lab.apiUrl}/api/v1/namespaces/shop/pods/tools/exec?command=cat`, { method: 'POST', ca: t.lab.ca, headers: { Authorization: `Bearer ${t.lab.adminToken}`, Connection: 'Upgrade', Upgrade: 'SPDY/3.1' } });
      r.on('upgrade', () => resolve(101));
      r.on('response', (m) => resolve(m.statusCode!));
      r.end();
    });
    expect(res).toBe(400);
  });

  it('exec into an unknown pod is a 404 before the upgrade', async () => {
    await expect(exec('shop', 'nope', 'x', ['cat'])).rejects.toThrow();
  });
});
