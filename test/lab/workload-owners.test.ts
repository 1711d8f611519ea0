/**
 * Owners of every kind a scenario accepts are served by the lab API (StatefulSet, DaemonSet, Job beside
 * Deployments), read with the real kubectl; a changed template rolls their pods as the controllers do;
 * and a diagnosis whose owner cannot be read (RBAC denies it) still reports, with a note naming the owner.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceOfKind } from '../../src/core/model/index.js';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { parseScenario } from '../../src/lab/scenario/load-scenario.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));

const text = `
version: 1
name: owners
cluster:
  dnsService: { ip: 10.96.0.10 }
nodes:
  - { name: n1, ip: 10.0.0.11, podCIDR: 10.244.0.0/24, resolvConf: "nameserver 10.0.0.2\\n" }
  - { name: n2, ip: 10.0.0.12, podCIDR: 10.244.1.0/24, resolvConf: "nameserver 10.0.0.2\\n" }
coredns:
  pods:
    - { name: coredns-6f6b679f8f-aaaaa, node: n1, ip: 10.244.0.2 }
pods:
  - { namespace: monitoring, name: node-exporter-x7k2p, node: n1, ip: 10.244.0.20, labels: { app: node-exporter }, owner: { kind: DaemonSet, name: node-exporter } }
  - { namespace: monitoring, name: node-exporter-q2m9z, node: n2, ip: 10.244.1.20, labels: { app: node-exporter }, owner: { kind: DaemonSet, name: node-exporter } }
  - { namespace: data, name: pg-0, node: n1, ip: 10.244.0.21, owner: { kind: StatefulSet, name: pg } }
  - { namespace: batch, name: report-28xk1, node: n2, ip: 10.244.1.22, labels: { app: report }, owner: { kind: Job, name: report } }
resolvers:
  - name: site
    ip: 10.0.0.2
    records:
      - { name: api.example.org, type: A, values: [203.0.113.5] }
hosts:
  - { ip: 203.0.113.5, tcp: [443] }
`;

async function kubectl(lab: Lab, ...args: string[]): Promise<string> {
  const r = await run('kubectl', args, { env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: lab.kubeconfigPath }, timeout: 20000 });
  return r.stdout;
}

describe('lab workload owners (real kubectl)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(parseScenario(text, 'owners.yaml'));
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('serves the StatefulSet, DaemonSet and Job the pods name, and the pods point at their uids', async () => {
    const sts = JSON.parse(await kubectl(lab, 'get', 'sts', '-n', 'data', 'pg', '-o', 'json'));
    expect(sts.spec.selector.matchLabels).toEqual({ app: 'pg' });
    expect(sts.status.readyReplicas).toBe(1);
    const ds = JSON.parse(await kubectl(lab, 'get', 'daemonset', '-n', 'monitoring', 'node-exporter', '-o', 'json'));
    expect(ds.status.numberReady).toBe(2);
    const job = JSON.parse(await kubectl(lab, 'get', 'jobs', '-n', 'batch', 'report', '-o', 'json'));
    expect(job.apiVersion).toBe('batch/v1');
    const pg = JSON.parse(await kubectl(lab, 'get', 'pod', '-n', 'data', 'pg-0', '-o', 'json'));
    expect(pg.metadata.ownerReferences[0]).toMatchObject({ kind: 'StatefulSet', name: 'pg', uid: sts.metadata.uid, controller: true });
    // The selector selects the pods (the lab adds the owner's default label to a pod without labels).
    expect(pg.metadata.labels).toMatchObject({ app: 'pg', 'statefulset.kubernetes.io/pod-name': 'pg-0' });
    const exporters = await kubectl(lab, 'get', 'pods', '-n', 'monitoring', '-l', 'app=node-exporter', '-o', 'name');
    expect(exporters.trim().split('\n').sort()).toEqual(['pod/node-exporter-q2m9z', 'pod/node-exporter-x7k2p']);
  });

  it('rolls a DaemonSet (new pod names, same nodes) and a StatefulSet (same names) when the template changes', async () => {
    const patch = JSON.stringify({ spec: { template: { spec: { dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } });
    await kubectl(lab, 'patch', 'daemonset', '-n', 'monitoring', 'node-exporter', '--type', 'strategic', '-p', patch);
    const pods = JSON.parse(await kubectl(lab, 'get', 'pods', '-n', 'monitoring', '-o', 'json')).items;
    expect(pods).toHaveLength(2);
    expect(pods.map((p: any) => p.metadata.name)).not.toContain('node-exporter-x7k2p');
    expect(pods.map((p: any) => p.spec.nodeName).sort()).toEqual(['n1', 'n2']);
    for (const p of pods) expect(p.spec.dnsConfig).toEqual({ options: [{ name: 'ndots', value: '2' }] });
    const resolv = await kubectl(lab, 'exec', '-n', 'monitoring', pods[0].metadata.name, '--', 'cat', '/etc/resolv.conf');
    expect(resolv).toMatch(/options ndots:2/);

    await kubectl(lab, 'patch', 'sts', '-n', 'data', 'pg', '--type', 'strategic', '-p', patch);
    const pg = JSON.parse(await kubectl(lab, 'get', 'pod', '-n', 'data', 'pg-0', '-o', 'json'));
    expect(pg.spec.dnsConfig).toEqual({ options: [{ name: 'ndots', value: '2' }] });
  });
});

describe('a diagnosis whose owner cannot be read', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.stop();
  });

  it('reports with a note naming the owner instead of failing', async () => {
    lab = await startLab(parseScenario(text, 'owners.yaml'), { deny: [{ verb: 'get', resource: 'daemonsets' }] });
    const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
    const report = await runDiagnosis({ access, network: lab.network, name: 'lab' }, { pod: 'monitoring/node-exporter-q2m9z', name: 'api.example.org' }, { burst: { count: 10, concurrency: 5 } });
    expect(report.verdict).toBe('healthy');
    const unread = evidenceOfKind(report.evidence, 'probe-error').filter((e) => e.probe === 'owner');
    expect(unread).toHaveLength(1);
    expect(unread[0]!.what).toBe('the workload DaemonSet monitoring/node-exporter');
    expect(unread[0]!.reason).toMatch(/forbidden|cannot get/i);
  }, 120_000);
});
