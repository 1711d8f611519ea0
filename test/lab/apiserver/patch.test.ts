import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLab, statusOf, type TestLab } from '../helpers/test-lab.js';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab();
});
afterAll(async () => {
  await t.lab.stop();
});

const ns = 'kube-system';
const name = 'coredns';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

describe('ConfigMap PATCH', () => {
  it('merge patch with the current resourceVersion updates, bumps resourceVersion and reloads CoreDNS', async () => {
    const before = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    const corefile = before.data!.Corefile!.replace('cache 30', 'cache 60');
    const after = await t.core.patchNamespacedConfigMap(
      { name, namespace: ns, body: { metadata: { resourceVersion: before.metadata!.resourceVersion }, data: { Corefile: corefile } } },
      merge,
    );
    expect(after.data!.Corefile).toBe(corefile);
    expect(Number(after.metadata!.resourceVersion)).toBeGreaterThan(Number(before.metadata!.resourceVersion));
    expect(t.fake.reloads.at(-1)).toEqual({ text: corefile, files: {} });
    expect((await t.core.readNamespacedConfigMap({ name, namespace: ns })).data!.Corefile).toBe(corefile);
  });

  it('a stale resourceVersion is a 409 Conflict and changes nothing', async () => {
    const before = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    const reloads = t.fake.reloads.length;
    const s = await statusOf(
      t.core.patchNamespacedConfigMap({ name, namespace: ns, body: { metadata: { resourceVersion: '1' }, data: { Corefile: 'x' } } }, merge),
    );
    expect(s).toMatchObject({
      httpCode: 409,
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on configmaps "coredns": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'coredns', kind: 'configmaps' },
    });
    const now = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    expect(now.metadata!.resourceVersion).toBe(before.metadata!.resourceVersion);
    expect(t.fake.reloads).toHaveLength(reloads);
  });

  it('dryRun=All validates and returns the result without storing or reloading', async () => {
    const before = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    const reloads = t.fake.reloads.length;
    const dry = await t.core.patchNamespacedConfigMap({ name, namespace: ns, dryRun: 'All', body: { data: { Corefile: 'dry' } } }, merge);
    expect(dry.data!.Corefile).toBe('dry');
    const now = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    expect(now.data!.Corefile).toBe(before.data!.Corefile);
    expect(now.metadata!.resourceVersion).toBe(before.metadata!.resourceVersion);
    expect(t.fake.reloads).toHaveLength(reloads);
    const bad = await statusOf(t.core.patchNamespacedConfigMap({ name, namespace: ns, dryRun: 'All', body: { data: { 'bad key': 'x' } } }, merge));
    expect(bad).toMatchObject({ httpCode: 422, reason: 'Invalid' });
  });

  it('strategic merge patch adds a key and null deletes one; other keys go to CoreDNS as files', async () => {
    await t.core.patchNamespacedConfigMap({ name, namespace: ns, body: { data: { 'extra.server': 'corp.example:53 {\n}\n' } } }, strategic);
    expect(t.fake.reloads.at(-1)!.files).toEqual({ 'extra.server': 'corp.example:53 {\n}\n' });
    const after = await t.core.patchNamespacedConfigMap({ name, namespace: ns, body: { data: { 'extra.server': null } } }, strategic);
    expect(Object.keys(after.data!)).toEqual(['Corefile']);
  });

  it('JSON patch (RFC 6902) with a test op; a failing test is 422 and a malformed body 400', async () => {
    const cur = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    const after = await t.core.patchNamespacedConfigMap(
      { name, namespace: ns, body: [{ op: 'test', path: '/data/Corefile', value: cur.data!.Corefile }, { op: 'replace', path: '/data/Corefile', value: 'json-patched' }] },
      jsonPatch,
    );
    expect(after.data!.Corefile).toBe('json-patched');
    const failed = await statusOf(t.core.patchNamespacedConfigMap({ name, namespace: ns, body: [{ op: 'test', path: '/data/Corefile', value: 'other' }] }, jsonPatch));
    expect(failed).toMatchObject({ httpCode: 422, kind: 'Status', reason: 'Invalid' });
    const malformed = await statusOf(t.core.patchNamespacedConfigMap({ name, namespace: ns, body: [{ op: 'frobnicate', path: '/x' }] }, jsonPatch));
    expect(malformed).toMatchObject({ httpCode: 400, reason: 'BadRequest' });
  });

  it('a merge-style body with the default (json-patch) content type is rejected; an unknown content type is 415', async () => {
    const s = await statusOf(t.core.patchNamespacedConfigMap({ name, namespace: ns, body: { data: { a: 'b' } } }));
    expect(s.httpCode).toBe(400);
    const res = await t.raw(`/api/v1/namespaces/${ns}/configmaps/${name}`, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'UnsupportedMediaType',
      code: 415,
      message: expect.stringContaining('accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json'),
    });
  });

  it('an invalid key is a 422 with causes naming the field', async () => {
    const s = await statusOf(t.core.patchNamespacedConfigMap({ name, namespace: ns, body: { data: { 'no spaces': 'x' } } }, merge));
    expect(s).toMatchObject({ httpCode: 422, reason: 'Invalid', details: { name: 'coredns', kind: 'ConfigMap', causes: [{ reason: 'FieldValueInvalid', field: 'data[no spaces]' }] } });
    expect(s.message).toMatch(/^ConfigMap "coredns" is invalid: data\[no spaces\]: Invalid value: "no spaces": a valid config key must consist of alphanumeric characters/);
  });

  it('PUT replaces with the same precondition rule; resourceVersion increases on every write', async () => {
    const cur = await t.core.readNamespacedConfigMap({ name, namespace: ns });
    const rv1 = Number(cur.metadata!.resourceVersion);
    const put = await t.core.replaceNamespacedConfigMap({ name, namespace: ns, body: { ...cur, data: { Corefile: 'put' } } });
    expect(Number(put.metadata!.resourceVersion)).toBeGreaterThan(rv1);
    const stale = await statusOf(t.core.replaceNamespacedConfigMap({ name, namespace: ns, body: { ...cur, data: { Corefile: 'again' } } }));
    expect(stale).toMatchObject({ httpCode: 409, reason: 'Conflict' });
  });
});

describe('Deployment PATCH', () => {
  it('strategic merge merges containers by name, hostAliases by ip and env by name', async () => {
    const d = await t.apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'shop',
        body: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'web', env: [{ name: 'A', value: '1' }] }],
                hostAliases: [{ ip: '10.9.9.9', hostnames: ['extra.example'] }],
              },
            },
          },
        },
      },
      strategic,
    );
    const spec = d.spec!.template.spec!;
    expect(spec.containers).toHaveLength(1);
    expect(spec.containers[0]).toMatchObject({ name: 'web', image: 'ubuntu:22.04', env: [{ name: 'A', value: '1' }] });
    expect(spec.hostAliases).toEqual([
      { ip: '10.1.2.3', hostnames: ['legacy.corp.example', 'legacy'] },
      { ip: '10.9.9.9', hostnames: ['extra.example'] },
    ]);
    const d2 = await t.apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'shop', body: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '2' }, { name: 'B', value: '3' }] }], hostAliases: [{ ip: '10.9.9.9', $patch: 'delete' }] } } } } },
      strategic,
    );
    expect(d2.spec!.template.spec!.containers[0]!.env).toEqual([{ name: 'A', value: '2' }, { name: 'B', value: '3' }]);
    expect(d2.spec!.template.spec!.hostAliases).toEqual([{ ip: '10.1.2.3', hostnames: ['legacy.corp.example', 'legacy'] }]);
  });

  it('merge patch replaces lists whole (RFC 7386) and sets dnsConfig', async () => {
    const d = await t.apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'shop', body: { spec: { template: { spec: { hostAliases: [{ ip: '10.7.7.7', hostnames: ['only.example'] }], dnsConfig: { options: [{ name: 'ndots', value: '1' }] } } } } } },
      merge,
    );
    expect(d.spec!.template.spec!.hostAliases).toEqual([{ ip: '10.7.7.7', hostnames: ['only.example'] }]);
    expect(d.spec!.template.spec!.dnsConfig).toEqual({ options: [{ name: 'ndots', value: '1' }] });
  });

  it('rejects invalid templates with 422 causes as the API server words them', async () => {
    const s = await statusOf(
      t.apps.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: { spec: { template: { spec: { dnsPolicy: 'None', dnsConfig: null } } } } }, merge),
    );
    expect(s).toMatchObject({ httpCode: 422, reason: 'Invalid', details: { name: 'web', group: 'apps', kind: 'Deployment' } });
    expect(s.details.causes).toContainEqual({ reason: 'FieldValueRequired', field: 'spec.template.spec.dnsConfig', message: 'Required value: must provide at least one DNS nameserver when `dnsPolicy` is None' });
    const alias = await statusOf(
      t.apps.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: { spec: { template: { spec: { hostAliases: [{ ip: 'not-an-ip', hostnames: ['x'] }] } } } } }, merge),
    );
    expect(alias.message).toBe('Deployment.apps "web" is invalid: spec.template.spec.hostAliases[0].ip: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    const labels = await statusOf(t.apps.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: { spec: { template: { metadata: { labels: { app: 'other' } } } } } }, merge));
    expect(labels.message).toContain('spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`');
  });

  it('dryRun=All on a Deployment returns the patched template without a rollout', async () => {
    const before = await t.apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    const pods = (await t.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items.map((p) => p.metadata!.name);
    const dry = await t.apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'shop', dryRun: 'All', body: { spec: { template: { spec: { hostAliases: [{ ip: '10.8.8.8', hostnames: ['dry.example'] }] } } } } },
      merge,
    );
    expect(dry.spec!.template.spec!.hostAliases).toEqual([{ ip: '10.8.8.8', hostnames: ['dry.example'] }]);
    const after = await t.apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    expect(after.metadata!.resourceVersion).toBe(before.metadata!.resourceVersion);
    expect((await t.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items.map((p) => p.metadata!.name)).toEqual(pods);
  });

  it('a stale resourceVersion on a Deployment is 409 naming deployments.apps', async () => {
    const s = await statusOf(t.apps.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: { metadata: { resourceVersion: '2' }, spec: { replicas: 3 } } }, merge));
    expect(s).toMatchObject({ httpCode: 409, reason: 'Conflict', details: { name: 'web', group: 'apps', kind: 'deployments' } });
    expect(s.message).toContain('Operation cannot be fulfilled on deployments.apps "web"');
  });
});
