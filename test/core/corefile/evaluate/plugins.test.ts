/** Plugin behaviour through explain(): distribution defaults, kubernetes grammar, hosts, template, rewrite, acl, local. */
import { describe, expect, it } from 'vitest';
import { explain } from '../../../../src/core/corefile/evaluate/index.js';
import type { EvalWorld } from '../../../../src/core/corefile/evaluate/index.js';
import { aks, cluster, fakeFiles, k3s, kubeadm, kubeadmNewest, model } from './fixtures.js';

const c = '10.245.1.20';
const world: EvalWorld = { cluster, nodeResolvers: ['192.0.2.53'] };
const ask = (text: string, name: string, type = 'A', w: EvalWorld = world) => explain(model(text), { name, type, client: c }, w);

describe('kubernetes name grammar (kubeadm default)', () => {
  it.each([
    ['cluster.local', 'A', 'NOERROR', []],
    ['svc.cluster.local', 'A', 'NOERROR', []],
    ['default.svc.cluster.local', 'A', 'NOERROR', []],
    ['nosuchns.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['foo.cluster.local', 'A', 'NXDOMAIN', []],
    ['nginx.default.svc.cluster.local', 'A', 'NOERROR', ['10.96.12.7']],
    ['nginx.default.svc.cluster.local', 'AAAA', 'NOERROR', []],
    ['nginx.default.svc.cluster.local', 'MX', 'NOERROR', []],
    ['mos-model.mos.svc.cluster.local', 'AAAA', 'NOERROR', ['fd00::40:1']],
    ['db.shop.svc.cluster.local', 'A', 'NOERROR', ['10.245.3.10', '10.245.4.11']],
    ['db-0.db.shop.svc.cluster.local', 'A', 'NOERROR', ['10.245.3.10']],
    ['10-245-4-11.db.shop.svc.cluster.local', 'A', 'NOERROR', ['10.245.4.11']],
    ['10-245-4-12.db.shop.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['a.b.c.nginx.default.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['10-1-2-3.default.pod.cluster.local', 'A', 'NOERROR', ['10.1.2.3']],
    ['10-1-2-3.nosuchns.pod.cluster.local', 'A', 'NXDOMAIN', []],
    ['ns.dns.cluster.local', 'A', 'NOERROR', ['10.96.0.10']],
    ['dns-version.cluster.local', 'TXT', 'NOERROR', ['1.1.0']],
    ['_http._tcp.nginx.default.svc.cluster.local', 'SRV', 'NOERROR', ['0 100 80 nginx.default.svc.cluster.local.']],
  ])('%s %s → %s %j', (name, type, rcode, data) => {
    const e = ask(kubeadm, name, type);
    expect(e.plugin).toBe('kubernetes');
    expect(e.rcode).toBe(rcode);
    expect(e.answers.map((a) => a.data).sort()).toEqual([...data].sort());
    if (data.length === 0) expect(e.authority[0]).toMatchObject({ name: 'cluster.local.', type: 'SOA', data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30' });
  });

  it('apex SOA and NS', () => {
    expect(ask(kubeadm, 'cluster.local', 'SOA').answers[0]!.type).toBe('SOA');
    expect(ask(kubeadm, 'cluster.local', 'NS').answers[0]!.data).toBe('ns.dns.cluster.local.');
  });

  it('ExternalName: CNAME, target looked up through the same listener', () => {
    const ext = ask(kubeadm, 'payments.shop.svc.cluster.local');
    expect(ext.answers).toEqual([expect.objectContaining({ type: 'CNAME', data: 'api.payments.example.' })]);
    expect(ext.steps.join('\n')).toContain('forwarded to [192.0.2.53:53]');
    const inner = ask(kubeadm, 'inner.shop.svc.cluster.local');
    expect(inner.answers.map((a) => `${a.type} ${a.data}`)).toEqual(['CNAME nginx.default.svc.cluster.local.', 'A 10.96.12.7']);
  });

  it('PTR for a ClusterIP and an endpoint; unknown IPs fall through to forward', () => {
    expect(ask(kubeadm, '7.12.96.10.in-addr.arpa', 'PTR').answers[0]!.data).toBe('nginx.default.svc.cluster.local.');
    expect(ask(kubeadm, '10.3.245.10.in-addr.arpa', 'PTR').answers[0]!.data).toBe('db-0.db.shop.svc.cluster.local.');
    expect(ask(kubeadm, '1.1.1.1.in-addr.arpa', 'PTR').plugin).toBe('forward');
  });

  it('pods disabled (default) and verified', () => {
    const disabled = kubeadm.replace('pods insecure', 'ttl 5');
    expect(ask(disabled, '10-1-2-3.default.pod.cluster.local').rcode).toBe('NXDOMAIN');
    const verified = kubeadm.replace('pods insecure', 'pods verified');
    expect(ask(verified, '10-1-2-3.default.pod.cluster.local').rcode).toBe('NXDOMAIN');
    expect(ask(verified, '10-245-1-20.default.pod.cluster.local').answers[0]!.data).toBe('10.245.1.20');
  });

  it('fallthrough covering cluster.local hands NXDOMAIN names to forward', () => {
    const t = kubeadm.replace('fallthrough in-addr.arpa ip6.arpa', 'fallthrough');
    expect(ask(t, 'nope.default.svc.cluster.local').plugin).toBe('forward');
  });

  it('the newest kubeadm does not cache cluster.local answers', () => {
    const e = ask(kubeadmNewest, 'nginx.default.svc.cluster.local');
    expect(e.cache.ttlSeconds).toBeUndefined();
    expect(e.cache.note).toContain('disable success');
    expect(ask(kubeadmNewest, 'nope.default.svc.cluster.local').cache.note).toContain('disable denial');
  });
});

describe('distribution defaults', () => {
  it('k3s: NodeHosts answers node names with ttl 60 (cache keeps 30)', () => {
    const files = fakeFiles({ '/etc/coredns/NodeHosts': '192.168.5.10 k3s-server\n192.168.5.11 k3s-agent-1\n' });
    const m = model(k3s, files);
    const e = explain(m, { name: 'k3s-agent-1', type: 'A', client: c }, { ...world, files });
    expect(e).toMatchObject({ plugin: 'hosts', rcode: 'NOERROR' });
    expect(e.answers[0]!.data).toBe('192.168.5.11');
    expect(e.cache.ttlSeconds).toBe(30);
    expect(explain(m, { name: 'example.com', type: 'A', client: c }, { ...world, files }).plugin).toBe('forward');
  });

  it('AKS: the internal.cloudapp.net template answers NXDOMAIN for 4+ labels and falls through otherwise', () => {
    const m = model(aks);
    const deep = explain(m, { name: 'a.b.c.d.internal.cloudapp.net', type: 'A', client: c }, world);
    expect(deep).toMatchObject({ plugin: 'template', rcode: 'NXDOMAIN' });
    const shallow = explain(m, { name: 'vm1.internal.cloudapp.net', type: 'A', client: c }, world);
    expect(shallow.plugin).toBe('forward');
    expect(explain(m, { name: 'x.reddog.microsoft.com', type: 'AAAA', client: c }, world)).toMatchObject({ plugin: 'template', rcode: 'NXDOMAIN' });
  });
});

describe('hosts', () => {
  const base = '.:53 {\n    hosts {\n        10.0.0.1 a.example\n        fd00::1 six.example\n    }\n    forward . 192.0.2.1\n}\n';
  it('without fallthrough every other name is SERVFAIL', () => {
    const e = ask(base, 'google.com');
    expect(e).toMatchObject({ plugin: 'hosts', rcode: 'SERVFAIL' });
    expect(e.cache.plugin).toBe(false);
  });
  it('missing family is NODATA; PTR from entries; unknown PTR goes on', () => {
    expect(ask(base, 'six.example', 'A')).toMatchObject({ plugin: 'hosts', rcode: 'NOERROR', answers: [] });
    expect(ask(base, 'six.example', 'AAAA').answers[0]!.data).toBe('fd00::1');
    expect(ask(base, '1.0.0.10.in-addr.arpa', 'PTR').answers[0]!.data).toBe('a.example.');
    expect(ask(base, '9.0.0.10.in-addr.arpa', 'PTR').plugin).toBe('forward');
  });
  it('zones limit the names it answers; entries outside them are dropped', () => {
    const z = '.:53 {\n    hosts /etc/hosts corp.example {\n        10.0.0.1 a.corp.example\n        10.0.0.2 b.other.example\n    }\n    forward . 192.0.2.1\n}\n';
    expect(ask(z, 'a.corp.example').answers[0]!.data).toBe('10.0.0.1');
    expect(ask(z, 'b.other.example').plugin).toBe('forward');
    expect(ask(z, 'nope.corp.example')).toMatchObject({ plugin: 'hosts', rcode: 'SERVFAIL' });
  });
  it('types hosts cannot answer: NODATA, except with fallthrough on 1.14.5–1.14.6 or fallthrough_unsupported', () => {
    const t = '.:53 {\n    hosts {\n        10.0.0.1 a.example\n        fallthrough\n    }\n    forward . 192.0.2.1\n}\n';
    expect(explain(model(t), { name: 'a.example', type: 'MX', client: c }, {})).toMatchObject({ plugin: 'hosts', answers: [] });
    expect(explain(model(t), { name: 'a.example', type: 'MX', client: c }, { corednsVersion: '1.14.5' }).plugin).toBe('forward');
    expect(explain(model(t), { name: 'a.example', type: 'MX', client: c }, { corednsVersion: '1.11.3' }).plugin).toBe('hosts');
    const opt = t.replace('        fallthrough\n', '        fallthrough\n        fallthrough_unsupported\n');
    expect(explain(model(opt), { name: 'a.example', type: 'MX', client: c }, {}).plugin).toBe('forward');
  });

  it('reads the hosts file through the injected FileSource', () => {
    const files = fakeFiles({ '/etc/hosts': '127.0.0.1 localhost\n10.9.9.9 fromfile.example # comment\n' });
    const e = explain(model('.:53 {\n    hosts {\n        fallthrough\n    }\n    forward . 192.0.2.1\n}\n'), { name: 'fromfile.example', type: 'A', client: c }, { files });
    expect(e.answers[0]!.data).toBe('10.9.9.9');
  });
});

describe('forward', () => {
  it('except, explicit ports, several forwards chained in Corefile order', () => {
    const t = '.:53 {\n    forward corp.example 10.0.0.1:5353 [fd00::53]:53 {\n        except bypass.corp.example\n    }\n    forward . 192.0.2.1 192.0.2.1\n}\n';
    expect(ask(t, 'a.corp.example').forwardTo).toEqual([{ ip: '10.0.0.1', port: 5353 }, { ip: 'fd00::53', port: 53 }]);
    expect(ask(t, 'x.bypass.corp.example').forwardTo).toEqual([{ ip: '192.0.2.1', port: 53 }]);
    expect(ask(t, 'google.com').forwardTo).toEqual([{ ip: '192.0.2.1', port: 53 }]);
  });
  it('without the node resolvers, /etc/resolv.conf is reported as the target file', () => {
    const e = explain(model(kubeadm), { name: 'example.com', type: 'A', client: c }, { cluster });
    expect(e).toMatchObject({ plugin: 'forward', forwardTo: [], forwardToFiles: ['/etc/resolv.conf'] });
    expect(e.summary).toContain('nameservers of /etc/resolv.conf');
  });

  it('warns that a loopback upstream (systemd-resolved stub on the node) is CoreDNS itself', () => {
    const e = explain(model(kubeadm), { name: 'example.com', type: 'A', client: c }, { cluster, nodeResolvers: ['127.0.0.53'] });
    expect(e.forwardTo).toEqual([{ ip: '127.0.0.53', port: 53 }]);
    expect(e.steps.join('\n')).toContain('loop plugin detects the forwarding loop');
  });

  it('reports policy and more than 15 upstreams', () => {
    const many = Array.from({ length: 16 }, (_, i) => `192.0.2.${i + 1}`).join(' ');
    const e = ask(`.:53 {\n    forward . ${many} {\n        policy sequential\n    }\n}\n`, 'x.example');
    expect(e.policy).toBe('sequential');
    expect(e.steps.join('\n')).toContain('more than 15 upstreams');
  });
});

describe('template', () => {
  it('Go template fields, groups and a CNAME chased through the listener', () => {
    const t = [
      '.:53 {',
      '    template IN A example {',
      '        match "^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)-(?P<d>[0-9]+)[.]example[.]$"',
      '        answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ index .Match 4 }}"',
      '        fallthrough',
      '    }',
      '    template IN A alias.test {',
      '        answer "{{ .Name }} 60 IN CNAME ip-10-0-0-9.example."',
      '    }',
      '    template IN TXT echo.test {',
      '        answer "{{ .Name }} 60 IN TXT \\"{{ .Type }} {{ .Class }}\\""',
      '    }',
      '    forward . 192.0.2.1',
      '}',
    ].join('\n');
    expect(ask(t, 'ip-10-1-2-3.example').answers).toEqual([{ name: 'ip-10-1-2-3.example.', type: 'A', ttl: 60, data: '10.1.2.3' }]);
    expect(ask(t, 'other.example').plugin).toBe('forward');
    expect(ask(t, 'www.alias.test').answers.map((a) => a.data)).toEqual(['ip-10-0-0-9.example.', '10.0.0.9']);
    expect(ask(t, 'x.echo.test', 'TXT').answers[0]!.data).toBe('TXT IN');
    expect(ask(t, 'x.echo.test', 'A').plugin).toBe('forward');
  });
  it('expr lines use the view expression language; false → fallthrough', () => {
    const t = ".:53 {\n    template IN A example {\n        match .*\n        expr incidr(client_ip(), '10.245.0.0/16')\n        answer \"{{ .Name }} 60 IN A 10.9.9.9\"\n        fallthrough\n    }\n    forward . 192.0.2.1\n}\n";
    expect(explain(model(t), { name: 'a.example', type: 'A', client: '10.245.1.1' }, {}).answers[0]!.data).toBe('10.9.9.9');
    expect(explain(model(t), { name: 'a.example', type: 'A', client: '10.1.1.1' }, {}).plugin).toBe('forward');
  });

  it('zone match without regex match and without fallthrough is SERVFAIL', () => {
    const t = '.:53 {\n    template ANY ANY example {\n        match ^only[.]example[.]$\n        rcode NXDOMAIN\n    }\n    forward . 192.0.2.1\n}\n';
    expect(ask(t, 'other.example')).toMatchObject({ plugin: 'template', rcode: 'SERVFAIL' });
  });
});

describe('rewrite', () => {
  const k = (rule: string) => `.:53 {\n    ${rule}\n    kubernetes cluster.local\n    forward . 192.0.2.1\n}\n`;
  it('exact rewrite into the cluster, answer names restored', () => {
    const e = ask(k('rewrite name exact db.internal nginx.default.svc.cluster.local'), 'db.internal');
    expect(e).toMatchObject({ plugin: 'kubernetes', rewrittenName: 'nginx.default.svc.cluster.local.' });
    expect(e.answers[0]).toMatchObject({ name: 'db.internal.', data: '10.96.12.7' });
  });
  it('suffix with answer auto maps names back', () => {
    const e = ask(k('rewrite name suffix .corp.internal .default.svc.cluster.local answer auto'), 'nginx.corp.internal');
    expect(e.answers[0]).toMatchObject({ name: 'nginx.corp.internal.', data: '10.96.12.7' });
  });
  it('regex with groups; prefix is label-aligned after normalisation', () => {
    expect(ask(k('rewrite name regex (.*)\\.svc\\.corp\\. {1}.default.svc.cluster.local answer auto'), 'nginx.svc.corp').answers[0]!.data).toBe('10.96.12.7');
    // `prefix foo bar` is really `foo.` → `bar.`: "foobar.x" does not match.
    expect(ask(k('rewrite name prefix nginx x'), 'nginxy.default.svc.cluster.local').rewrittenName).toBeUndefined();
  });
  it('block form with a regex name rule and an answer name rule (the common in-cluster alias pattern)', () => {
    const rule = 'rewrite stop {\n        name regex (.*)\\.corp\\.example\\. {1}.default.svc.cluster.local\n        answer name (.*)\\.default\\.svc\\.cluster\\.local\\. {1}.corp.example\n    }';
    const e = ask(k(rule), 'nginx.corp.example');
    expect(e.rewrittenName).toBe('nginx.default.svc.cluster.local.');
    expect(e.answers[0]).toMatchObject({ name: 'nginx.corp.example.', data: '10.96.12.7' });
    expect(ask(k(rule), 'google.com').plugin).toBe('forward');
  });

  it('ttl and rcode rules rewrite the reply, not the question', () => {
    const fixed = ask(k('rewrite ttl nginx.default.svc.cluster.local 3'), 'nginx.default.svc.cluster.local');
    expect(fixed.answers[0]).toMatchObject({ data: '10.96.12.7', ttl: 3 });
    expect(fixed.rewrittenName).toBeUndefined();
    expect(ask(k('rewrite ttl regex .*\\.svc\\.cluster\\.local\\. 10-20'), 'nginx.default.svc.cluster.local').answers[0]!.ttl).toBe(10);
    expect(ask(k('rewrite rcode suffix .cluster.local NXDOMAIN REFUSED'), 'nope.default.svc.cluster.local').rcode).toBe('REFUSED');
    expect(ask(k('rewrite rcode suffix .cluster.local NXDOMAIN REFUSED'), 'nginx.default.svc.cluster.local').rcode).toBe('NOERROR');
  });

  it('substring rewrite', () => {
    expect(ask(k('rewrite name substring service svc'), 'nginx.default.service.cluster.local').answers[0]!.data).toBe('10.96.12.7');
  });
});

describe('file', () => {
  const zone = [
    '$ORIGIN corp.example.',
    '$TTL 300',
    '@   IN SOA ns1 hostmaster (',
    '        2024010101 ; serial',
    '        7200 1800 86400 60 )',
    '    IN NS ns1',
    'ns1 IN A 10.0.0.53',
    'www 600 IN A 10.0.0.80',
    'api IN CNAME www',
    'ext IN CNAME nginx.default.svc.cluster.local.',
    '*.apps IN A 10.0.0.99',
    'deep.empty IN TXT "x"',
  ].join('\n');
  const files = fakeFiles({ '/etc/coredns/corp.db': zone });
  const t = '.:53 {\n    file /etc/coredns/corp.db corp.example\n    kubernetes cluster.local\n    forward . 192.0.2.1\n}\n';
  const w: EvalWorld = { cluster, files };
  it('answers from the zone file: records, CNAME chased, wildcard, NODATA, NXDOMAIN with the SOA', () => {
    expect(ask(t, 'www.corp.example', 'A', w).answers).toEqual([{ name: 'www.corp.example.', type: 'A', ttl: 600, data: '10.0.0.80' }]);
    expect(ask(t, 'api.corp.example', 'A', w).answers.map((a) => a.data)).toEqual(['www.corp.example.', '10.0.0.80']);
    expect(ask(t, 'ext.corp.example', 'A', w).answers.map((a) => a.data)).toEqual(['nginx.default.svc.cluster.local.', '10.96.12.7']);
    expect(ask(t, 'x.apps.corp.example', 'A', w).answers[0]!.data).toBe('10.0.0.99');
    expect(ask(t, 'www.corp.example', 'AAAA', w)).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(ask(t, 'empty.corp.example', 'A', w)).toMatchObject({ rcode: 'NOERROR', answers: [] });
    const nx = ask(t, 'nope.corp.example', 'A', w);
    expect(nx).toMatchObject({ plugin: 'file', rcode: 'NXDOMAIN' });
    expect(nx.authority[0]).toMatchObject({ type: 'SOA', ttl: 300, data: 'ns1.corp.example. hostmaster.corp.example. 2024010101 7200 1800 86400 60' });
    expect(ask(t, 'google.com', 'A', w).plugin).toBe('forward');
  });
  it('a zone file that is missing or does not parse gives SERVFAIL', () => {
    expect(ask(t, 'www.corp.example', 'A', { cluster })).toMatchObject({ plugin: 'file', rcode: 'SERVFAIL' });
    const broken = fakeFiles({ '/etc/coredns/corp.db': 'www IN A 10.0.0.1\n' });
    expect(ask(t, 'www.corp.example', 'A', { cluster, files: broken }).steps.join('\n')).toContain('no SOA record');
  });
});

describe('k8s_external', () => {
  const t = '.:53 {\n    kubernetes cluster.local\n    k8s_external example.com\n    forward . 192.0.2.1\n}\n';
  const w: EvalWorld = { cluster: { ...cluster, services: [...cluster.services, { namespace: 'shop', name: 'web', type: 'LoadBalancer', clusterIP: '10.96.50.1', externalIPs: ['203.0.113.10'], ports: [{ port: 443, protocol: 'TCP' }] }] } };
  it('answers service.namespace.ZONE with external IPs, NXDOMAIN with its SOA otherwise', () => {
    expect(ask(t, 'web.shop.example.com', 'A', w)).toMatchObject({ plugin: 'k8s_external', answers: [{ data: '203.0.113.10', ttl: 5 }] });
    const miss = ask(t, 'nginx.default.example.com', 'A', w);
    expect(miss).toMatchObject({ plugin: 'k8s_external', rcode: 'NXDOMAIN' });
    expect(miss.authority[0]!.data).toBe('ns1.dns.example.com. hostmaster.dns.example.com. 12345 7200 1800 86400 5');
    expect(ask(t, 'example.com', 'NS', w).answers[0]!.data).toBe('ns1.dns.example.com.');
    expect(ask(t, 'www.other.org', 'A', w).plugin).toBe('forward');
  });
});

describe('acl, local, whoami, any', () => {
  it('acl block/filter/allow by net and type', () => {
    const t = '.:53 {\n    acl example.org {\n        allow net 10.1.0.0/16\n        block type A\n        filter\n    }\n    forward . 192.0.2.1\n}\n';
    const m = model(t);
    expect(explain(m, { name: 'x.example.org', type: 'A', client: '10.1.1.1' }, {}).plugin).toBe('forward');
    expect(explain(m, { name: 'x.example.org', type: 'A', client: '10.2.1.1' }, {})).toMatchObject({ plugin: 'acl', rcode: 'REFUSED' });
    expect(explain(m, { name: 'x.example.org', type: 'MX', client: '10.2.1.1' }, {})).toMatchObject({ plugin: 'acl', rcode: 'NOERROR', answers: [] });
    expect(explain(m, { name: 'x.other.org', type: 'A', client: '10.2.1.1' }, {}).plugin).toBe('forward');
    const drop = explain(model('.:53 {\n    acl {\n        drop\n    }\n    whoami\n}\n'), { name: 'x', type: 'A', client: c }, {});
    expect(drop.dropped).toBe(true);
  });
  it('local answers localhost names', () => {
    const t = '.:53 {\n    local\n    forward . 192.0.2.1\n}\n';
    expect(ask(t, 'localhost').answers[0]!.data).toBe('127.0.0.1');
    expect(ask(t, 'localhost.cluster.local').answers[0]!.data).toBe('127.0.0.1');
    expect(ask(t, '1.0.0.127.in-addr.arpa', 'PTR').answers[0]!.data).toBe('localhost.');
    expect(ask(t, 'example.com').plugin).toBe('forward');
  });
  it('chaos answers CH TXT version.bind; minimal strips authority from answers', () => {
    const e = explain(model('.:53 {\n    chaos CoreDNS-1.11.3 alice\n    forward . 192.0.2.1\n}\n'), { name: 'version.bind', type: 'TXT', class: 'CH', client: c }, {});
    expect(e).toMatchObject({ plugin: 'chaos', answers: [{ data: 'CoreDNS-1.11.3' }] });
    const t = '.:53 {\n    minimal\n    kubernetes cluster.local {\n        pods insecure\n    }\n}\n';
    const ns = explain(model(t), { name: 'cluster.local', type: 'NS', client: c }, { cluster });
    expect(ns.answers).toHaveLength(1);
    expect(ns.additional).toEqual([]);
    expect(explain(model(t), { name: 'nope.default.svc.cluster.local', type: 'A', client: c }, { cluster }).authority).toHaveLength(1);
  });

  it('any answers ANY with HINFO', () => {
    expect(ask('.:53 {\n    any\n    forward . 192.0.2.1\n}\n', 'example.com', 'ANY').answers[0]!.type).toBe('HINFO');
  });
});
