/** Corefile edits: splices that keep formatting, re-parsed, validated and re-evaluated against control queries. */
import { describe, expect, it } from 'vitest';
import {
  addFallthrough, addForwardZoneBlock, addHostsEntries, addViewBlock, replaceForwardUpstreams, simulateEdit,
} from '../../../../src/core/corefile/edit/index.js';
import { explain } from '../../../../src/core/corefile/evaluate/index.js';
import { parseCorefile } from '../../../../src/core/corefile/parse.js';
import { aks, cluster, kubeadm, seed004 } from '../evaluate/fixtures.js';

const world = { cluster, nodeResolvers: ['192.168.1.1'] };
const zone2 = '10.245.5.17';
const zone1 = '10.245.4.8';
const controls = [
  { name: 'nginx.default.svc.cluster.local', type: 'A', client: zone1 },
  { name: 'google.com', type: 'A', client: zone1 },
  { name: 's3.cloudb.example', type: 'A', client: zone1 },
];

describe('addHostsEntries', () => {
  it('adds a hosts block with fallthrough before forward, matching indentation', () => {
    const r = addHostsEntries(kubeadm, { entries: [{ ip: '10.118.163.242', names: ['s3.cloudb.example'] }, { ip: '10.118.163.243', names: ['s3.cloudb.example'] }] }, { controls, world });
    expect(r.ok).toBe(true);
    expect(r.text).toContain('    hosts {\n        10.118.163.242 s3.cloudb.example\n        10.118.163.243 s3.cloudb.example\n        fallthrough\n    }\n    forward . /etc/resolv.conf {');
    expect(r.diff).toMatch(/^\+ {4}hosts \{$/m);
    expect(r.diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    expect(r.effects.map((e) => e.changed)).toEqual([false, false, true]);
    expect(r.effects[2]).toMatchObject({ before: 'forwarded to 192.168.1.1:53', after: 'NOERROR A 10.118.163.242, A 10.118.163.243' });
  });

  it('extends an existing hosts block before its fallthrough and keeps CRLF line endings', () => {
    const crlf = '.:53 {\r\n    hosts {\r\n        10.0.0.1 a.example\r\n        fallthrough\r\n    }\r\n    forward . 192.0.2.1\r\n}\r\n';
    const r = addHostsEntries(crlf, { entries: [{ ip: '10.0.0.2', names: ['b.example'] }] });
    expect(r.ok).toBe(true);
    expect(r.text).toBe('.:53 {\r\n    hosts {\r\n        10.0.0.1 a.example\r\n        10.0.0.2 b.example\r\n        fallthrough\r\n    }\r\n    forward . 192.0.2.1\r\n}\r\n');
  });

  it('gives a bare hosts line a block with the entries and fallthrough', () => {
    const r = addHostsEntries('.:53 {\n  hosts /etc/hosts\n  forward . 192.0.2.1\n}\n', { entries: [{ ip: '10.0.0.2', names: ['b.example'] }] });
    expect(r.text).toBe('.:53 {\n  hosts /etc/hosts {\n    10.0.0.2 b.example\n    fallthrough\n  }\n  forward . 192.0.2.1\n}\n');
  });

  it('refuses bad entries and names outside the hosts zones', () => {
    expect(addHostsEntries(kubeadm, { entries: [{ ip: 'not-an-ip', names: ['x.example'] }] })).toMatchObject({ ok: false, diagnostics: [expect.objectContaining({ message: expect.stringContaining('not an IP') })] });
    const r = addHostsEntries('.:53 {\n    hosts /etc/hosts corp.example {\n        fallthrough\n    }\n    forward . 192.0.2.1\n}\n', { entries: [{ ip: '10.0.0.2', names: ['b.other.example'] }] });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.some((d) => d.message.includes('outside the hosts zones'))).toBe(true);
  });

  it('an unknown block is an error, not an exception', () => {
    expect(addHostsEntries(kubeadm, { block: 'nope:53', entries: [{ ip: '10.0.0.2', names: ['b.example'] }] }).ok).toBe(false);
    expect(addHostsEntries('. {\n  whoami }\n', { entries: [{ ip: '10.0.0.2', names: ['b.example'] }] }).ok).toBe(false);
  });
});

describe('addViewBlock', () => {
  const withHosts = addHostsEntries(kubeadm, { entries: [{ ip: '10.118.163.242', names: ['s3.cloudb.example'] }] }).text;

  it('places a complete view block before the block it shadows; only zone2 clients change', () => {
    const r = addViewBlock(withHosts, { name: 'zone2', cidrs: ['10.245.5.0/24'], copyFrom: '.:53', withHosts: [{ ip: '10.118.119.244', names: ['s3.cloudb.example'] }, { ip: '10.118.119.245', names: ['s3.cloudb.example'] }] }, {
      world, controls: [...controls, { name: 's3.cloudb.example', type: 'A', client: zone2 }, { name: 'nginx.default.svc.cluster.local', type: 'A', client: zone2 }],
    });
    expect(r.ok).toBe(true);
    expect(r.text.startsWith(".:53 {\n    view zone2 {\n        expr incidr(client_ip(), '10.245.5.0/24')\n    }\n    errors\n")).toBe(true);
    expect(r.text).not.toMatch(/view zone2[\s\S]*health[\s\S]*\n}\n\n\.:53 \{/);
    const effects = r.effects.map((e) => `${e.query.client} ${e.query.name}: ${e.changed ? `${e.before} → ${e.after}` : 'unchanged'}`);
    expect(effects).toEqual([
      `${zone1} nginx.default.svc.cluster.local: unchanged`,
      `${zone1} google.com: unchanged`,
      `${zone1} s3.cloudb.example: unchanged`,
      `${zone2} s3.cloudb.example: NOERROR A 10.118.163.242 → NOERROR A 10.118.119.244, A 10.118.119.245`,
      `${zone2} nginx.default.svc.cluster.local: unchanged`,
    ]);
    const m = parseCorefile(r.text).model;
    expect(explain(m, { name: 's3.cloudb.example', type: 'A', client: zone2 }, world).view).toBe('zone2');
  });

  it('extends an existing view with more CIDRs joined by or', () => {
    const first = addViewBlock(kubeadm, { name: 'zone2', cidrs: ['10.245.5.0/24'], copyFrom: '.:53' });
    const second = addViewBlock(first.text, { name: 'zone2', cidrs: ['10.245.5.0/24', '10.245.6.0/24'], copyFrom: '.:53' });
    expect(second.ok).toBe(true);
    expect(second.text).toContain("expr incidr(client_ip(), '10.245.5.0/24') or incidr(client_ip(), '10.245.6.0/24')");
    expect(second.text.match(/view zone2/g)).toHaveLength(1);
  });

  it('rejects bad CIDRs', () => {
    expect(addViewBlock(kubeadm, { name: 'z', cidrs: ['10.245.5.0/33'], copyFrom: '.:53' }).ok).toBe(false);
  });
});

describe('addForwardZoneBlock', () => {
  it('adds a sub-zone block that takes that subtree and nothing else (seed 004 workaround)', () => {
    const r = addForwardZoneBlock(seed004, { zone: 'downloads.oneprocloud.com', upstreams: ['223.5.5.5', '223.6.6.6'] }, {
      world, controls: [
        { name: 'downloads.oneprocloud.com', type: 'A', client: '10.245.1.20' },
        { name: 'web.default.svc.oneprocloud.com', type: 'A', client: '10.245.1.20' },
        { name: 'www.baidu.com', type: 'A', client: '10.245.1.20' },
      ],
    });
    expect(r.ok).toBe(true);
    expect(r.text.endsWith('}\n\ndownloads.oneprocloud.com:53 {\n    errors\n    cache 30\n    forward . 223.5.5.5 223.6.6.6\n}\n')).toBe(true);
    expect(r.effects.map((e) => e.changed)).toEqual([true, false, false]);
    expect(r.effects[0]!.after).toBe('forwarded to 223.5.5.5:53, 223.6.6.6:53');
  });

  it('refuses a duplicate zone+port and more than 15 upstreams', () => {
    const once = addForwardZoneBlock(kubeadm, { zone: 'corp.example', upstreams: ['10.0.0.1'] }).text;
    expect(addForwardZoneBlock(once, { zone: 'corp.example.', upstreams: ['10.0.0.2'] })).toMatchObject({ ok: false });
    expect(addForwardZoneBlock(once, { zone: 'corp.example', upstreams: ['10.0.0.2'], port: 5353 }).ok).toBe(true);
    const many = Array.from({ length: 16 }, (_, i) => `10.0.0.${i + 1}`);
    expect(addForwardZoneBlock(kubeadm, { zone: 'x.example', upstreams: many }).ok).toBe(false);
  });

  it('goes after the last block even when an import follows it (AKS)', () => {
    const r = addForwardZoneBlock(aks, { zone: 'corp.example', upstreams: ['10.0.0.1:5353'] });
    expect(r.ok).toBe(true);
    expect(r.text).toContain('}\n\ncorp.example:53 {\n    errors\n    cache 30\n    forward . 10.0.0.1:5353\n}\nimport custom/*.server\n');
  });
});

describe('replaceForwardUpstreams', () => {
  it('swaps the TO list and keeps the options', () => {
    const r = replaceForwardUpstreams(kubeadm, { upstreams: ['10.0.0.53', '10.0.1.53:5353'] }, { world, controls: [{ name: 'google.com', type: 'A', client: zone1 }] });
    expect(r.ok).toBe(true);
    expect(r.text).toContain('    forward . 10.0.0.53 10.0.1.53:5353 {\n       max_concurrent 1000\n    }');
    expect(r.effects[0]).toMatchObject({ before: 'forwarded to 192.168.1.1:53', after: 'forwarded to 10.0.0.53:53, 10.0.1.53:5353', changed: true });
  });
  it('warns about loopback upstreams (CoreDNS would forward to its own pod)', () => {
    const r = replaceForwardUpstreams(kubeadm, { upstreams: ['127.0.0.53'] });
    expect(r.diagnostics.some((d) => d.severity === 'warning' && d.message.includes('loopback'))).toBe(true);
  });
  it('refuses when there is no such forward', () => {
    expect(replaceForwardUpstreams(kubeadm, { from: 'corp.example', upstreams: ['10.0.0.1'] }).ok).toBe(false);
  });
});

describe('addFallthrough', () => {
  it('extends kubernetes fallthrough zones so a zone falls through to forward', () => {
    const r = addFallthrough(seed004, { plugin: 'kubernetes', zones: ['oneprocloud.com'] }, { world, controls: [{ name: 'downloads.oneprocloud.com', type: 'A', client: zone1 }] });
    expect(r.ok).toBe(true);
    expect(r.text).toContain('      fallthrough in-addr.arpa ip6.arpa oneprocloud.com\n');
    expect(r.effects[0]).toMatchObject({ changed: true, after: 'forwarded to 192.168.1.1:53' });
  });
  it('adds a block to a block-less plugin line', () => {
    const r = addFallthrough('.:53 {\n    hosts /etc/hosts\n    forward . 192.0.2.1\n}\n', { plugin: 'hosts', zones: [] });
    expect(r.text).toBe('.:53 {\n    hosts /etc/hosts {\n        fallthrough\n    }\n    forward . 192.0.2.1\n}\n');
  });
});

describe('simulateEdit', () => {
  it('shows the fix changes the failing answer and nothing else', () => {
    const after = addHostsEntries(kubeadm, { entries: [{ ip: '10.118.163.242', names: ['s3.cloudb.example'] }] }).text;
    const s = simulateEdit(kubeadm, after, { name: 's3.cloudb.example', type: 'A', client: zone1 }, controls.slice(0, 2), world);
    expect(s).toMatchObject({ fixesFailing: true, onlyFailingChanged: true });
    const broken = after.replace('        fallthrough\n', '');
    const s2 = simulateEdit(kubeadm, broken, { name: 's3.cloudb.example', type: 'A', client: zone1 }, controls.slice(0, 2), world);
    expect(s2.onlyFailingChanged).toBe(false);
    expect(s2.controls.map((c) => c.after)).toEqual(['SERVFAIL', 'SERVFAIL']);
  });
});

describe('validation of edited Corefiles', () => {
  it('an edit on a Corefile that already has errors is judged by the errors it adds', () => {
    // seed 004 has `upstream` inside kubernetes (an error since 1.7.0); adding a forward block adds none.
    const r = addForwardZoneBlock(seed004, { zone: 'downloads.oneprocloud.com', upstreams: ['223.5.5.5'] });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.message.includes('upstream'))).toBe(true);
    expect(r.diagnostics.some((d) => d.message.includes('already had'))).toBe(true);
  });

  it('an edit producing an invalid Corefile returns ok:false with the diagnostics', () => {
    // forward has no fallthrough option: the validator (CoreDNS setup) rejects the edited file.
    const r = addFallthrough(kubeadm, { plugin: 'forward', zones: ['corp.example'] });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.plugin === 'forward')).toBe(true);
    expect(r.diff).toContain('+       fallthrough corp.example');
    const bad = replaceForwardUpstreams(kubeadm, { upstreams: ['dns.example'] });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]!.message).toContain('not an IP address');
  });
});

describe('block references', () => {
  it('a numeric block is the model index (imported blocks count), as explain reports it', () => {
    const files = { '/etc/coredns/custom/a.server': 'corp.example:53 {\n    forward . 10.0.0.1\n}\n' };
    const fs = { read: (p: string) => files[p as keyof typeof files], glob: (p: string) => (p === '/etc/coredns/custom/*.server' ? Object.keys(files) : []) };
    const text = 'import custom/*.server\n.:53 {\n    forward . 192.0.2.1\n}\n';
    const ctx = { parseOptions: { file: '/etc/coredns/Corefile', files: fs } };
    const m = parseCorefile(text, ctx.parseOptions).model;
    const e = explain(m, { name: 'x.example', type: 'A', client: zone1 }, {});
    expect(e.serverBlock!.index).toBe(1);
    const r = addHostsEntries(text, { block: e.serverBlock!.index, entries: [{ ip: '10.1.1.1', names: ['x.example'] }] }, ctx);
    expect(r.ok).toBe(true);
    expect(r.text).toContain('.:53 {\n    hosts {\n        10.1.1.1 x.example\n        fallthrough\n    }\n    forward . 192.0.2.1');
    const imported = addHostsEntries(text, { block: 0, entries: [{ ip: '10.1.1.1', names: ['x.corp.example'] }] }, ctx);
    expect(imported).toMatchObject({ ok: false, diagnostics: [expect.objectContaining({ message: expect.stringContaining('imported file') })] });
  });
});
