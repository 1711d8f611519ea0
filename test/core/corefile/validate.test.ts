import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFileSource } from '../../../src/core/corefile/imports.js';
import type { Diagnostic } from '../../../src/core/corefile/model.js';
import { printSyntax } from '../../../src/core/corefile/print.js';
import { checkCorefile, validateCorefile, type CheckOptions } from '../../../src/core/corefile/validate.js';
import { parseCorefile } from '../../../src/core/corefile/parse.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const errors = (text: string, opts: CheckOptions = {}) =>
  roundTrip(checkCorefile(text, opts), text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos?.line}:${d.pos?.col} ${d.plugin ? `plugin/${d.plugin}: ` : ''}${d.message}`);
const block = (body: string) => `. {\n${body}\n}\n`;
/** Every Corefile checked in these tests must also print back byte for byte. */
function roundTrip<T extends { syntax: Parameters<typeof printSyntax>[0] }>(r: T, text: string): T {
  expect(printSyntax(r.syntax)).toBe(text);
  return r;
}

describe('real default Corefiles (docs/coredns-semantics.md, Default Corefiles) parse, validate and round-trip', () => {
  const aksFiles = memoryFileSource({
    '/etc/coredns/custom/log.override': 'log\n',
    '/etc/coredns/custom/hosts.override': 'hosts {\n  10.0.0.5 db.example.org\n  fallthrough\n}\n',
    '/etc/coredns/custom/corp.server': 'corp.example.org:53 {\n  errors\n  cache 30\n  forward . 10.0.0.53\n}\n',
  });
  const k3sFiles = memoryFileSource({ '/etc/coredns/NodeHosts': '192.0.2.10 node-1\n' });
  // The fixtures are the distributions' files as shipped (copies on purpose, kept apart from the lab's default Corefile).
  it.each([
    ['kubeadm.Corefile', {}],
    ['kubeadm-newest.Corefile', {}],
    ['eks.Corefile', {}],
    ['aks.Corefile', { files: aksFiles }],
    ['k3s.Corefile', { files: k3sFiles, env: {} }],
    ['seed-000-before.Corefile', {}],
    ['seed-000-after.Corefile', {}],
    ['seed-003.Corefile', {}],
  ] as [string, CheckOptions][])('%s', (name, opts) => {
    const text = fixture(name);
    const r = checkCorefile(text, opts);
    // Only CoreDNS's own log warning for an import glob that matches nothing may remain.
    expect(r.diagnostics.filter((d) => d.severity !== 'info' && !d.message.startsWith('No files matching import glob pattern'))).toEqual([]);
    expect(r.ok).toBe(true);
    expect(printSyntax(r.syntax)).toBe(text);
  });

  it('AKS splices overrides into .:53 and adds the .server blocks', () => {
    const r = checkCorefile(fixture('aks.Corefile'), { files: aksFiles });
    expect(r.model.blocks.map((b) => b.addresses.map((a) => `${a.zone}:${a.port}`))).toEqual([['.:53'], ['corp.example.org.:53']]);
    expect(r.model.blocks[0].directives.map((d) => d.name)).toContain('hosts');
    expect(r.model.importedFiles).toEqual([
      '/etc/coredns/custom/hosts.override',
      '/etc/coredns/custom/log.override',
      '/etc/coredns/custom/corp.server',
    ]);
  });

  it('AKS with a second forward in an override: chained on ≥1.9.4 (and shadowed), ErrOnce before', () => {
    const files = memoryFileSource({ '/etc/coredns/custom/fw.override': 'forward . 10.0.0.53\n' });
    const now = checkCorefile(fixture('aks.Corefile'), { files });
    expect(now.ok).toBe(true);
    expect(now.diagnostics.filter((d) => d.severity === 'warning' && d.plugin === 'forward').map((d) => d.message)).toEqual([
      'forward . never runs: the forward . written before it (line 13) already answers every name under .; write the more specific forward first',
    ]);
    expect(errors(fixture('aks.Corefile'), { files, corednsVersion: '1.9.3' })).toEqual([
      '1:1 plugin/forward: this plugin can only be used once per Server Block',
    ]);
  });

  it('old kubeadm proxy Corefiles fail from CoreDNS 1.5.0 on', () => {
    const old = '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       upstream\n    }\n    proxy . /etc/resolv.conf\n    cache 30\n}\n';
    expect(errors(old)).toEqual(["7:5 Unknown directive 'proxy'"]);
    expect(errors(old, { corednsVersion: '1.4.0' })).toEqual([]);
  });
});

describe('seed 004: kubernetes oneprocloud.com with upstream', () => {
  const text = fixture('seed-004.Corefile');
  it('is an error on CoreDNS ≥ 1.7.0 (unknown property)', () => {
    expect(errors(text)).toEqual(["11:7 plugin/kubernetes: unknown property 'upstream'"]);
    expect(errors(text, { corednsVersion: '1.7.0' })).toHaveLength(1);
  });
  it('is accepted (with a deprecation warning) on 1.6.x', () => {
    const r = checkCorefile(text, { corednsVersion: '1.6.9' });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toEqual([
      "'upstream' is deprecated and is an error from CoreDNS 1.7.0 on",
    ]);
    expect(printSyntax(r.syntax)).toBe(text);
  });
});

describe('version rules (docs/coredns-semantics.md, Version differences)', () => {
  it('two forwards in one block are an error before 1.9.4', () => {
    const t = block('forward example.org 10.0.0.1\nforward . 8.8.8.8');
    expect(errors(t)).toEqual([]);
    expect(errors(t, { corednsVersion: '1.9.3' })).toEqual(['3:1 plugin/forward: this plugin can only be used once per Server Block']);
  });
  it('view is unknown before 1.10.0', () => {
    const t = block("view v {\n expr incidr(client_ip(), '10.0.0.0/8')\n}\nwhoami");
    expect(errors(t)).toEqual([]);
    expect(errors(t, { corednsVersion: '1.9.4' })).toEqual(["2:1 Unknown directive 'view'"]);
  });
  it.each([
    ['acl {\n block\n}', '1.6.3', "2:1 Unknown directive 'acl'"],
    ['local', '1.8.0', "2:1 Unknown directive 'local'"],
    ['forward . 1.1.1.1 {\n max_concurrent 10\n}', '1.6.7', "3:2 plugin/forward: unknown property 'max_concurrent'"],
    ['forward . 1.1.1.1 {\n next NXDOMAIN\n}', '1.11.3', "3:2 plugin/forward: unknown property 'next'"],
    ['cache {\n serve_stale\n}', '1.6.5', "3:2 plugin/cache: Wrong argument count or unexpected line ending after 'serve_stale'"],
    ['cache {\n disable denial\n}', '1.9.3', "3:2 plugin/cache: Wrong argument count or unexpected line ending after 'disable'"],
    ['cache {\n keepttl\n}', '1.10.0', "3:2 plugin/cache: Wrong argument count or unexpected line ending after 'keepttl'"],
    ['hosts {\n fallthrough\n fallthrough_unsupported\n}', '1.14.6', "4:2 plugin/hosts: unknown property 'fallthrough_unsupported'"],
  ])('%j fails on %s', (body, version, message) => {
    expect(errors(block(body), { corednsVersion: version })).toEqual([message]);
    expect(errors(block(body))).toEqual([]);
  });
  it.each([
    ['upstream', '1.7.0', '1.6.9'],
    ['resyncperiod 30s', '1.7.0', '1.6.9'],
    ['transfer to *', '1.8.0', '1.7.1'],
  ])('kubernetes %s is an error from %s on, a warning on %s', (opt, from, before) => {
    const t = block(`kubernetes cluster.local {\n ${opt}\n}`);
    const name = opt.split(' ')[0];
    expect(errors(t, { corednsVersion: from })).toEqual([`3:2 plugin/kubernetes: unknown property '${name}'`]);
    expect(errors(t)).toHaveLength(1);
    const old = checkCorefile(t, { corednsVersion: before });
    expect(old.ok).toBe(true);
    expect(old.diagnostics.filter((d) => d.severity === 'warning')).toHaveLength(1);
  });
  it('notes that hosts+fallthrough passes unsupported qtypes on 1.14.5–1.14.6 only', () => {
    const t = block('hosts {\n 10.0.0.1 a.example.org\n fallthrough\n}');
    const note = (v: string) => checkCorefile(t, { corednsVersion: v }).diagnostics.some((d) => d.message.includes('unsupported query types'));
    expect([note('1.14.4'), note('1.14.5'), note('1.14.6'), note('1.14.7')]).toEqual([false, true, true, false]);
  });
  it('warns that reload ignores imported files before 1.7.0', () => {
    const files = memoryFileSource({ '/etc/coredns/x.override': 'log\n' });
    const t = block('reload\nimport x.override');
    expect(checkCorefile(t, { files, corednsVersion: '1.6.9' }).diagnostics.map((d) => d.severity + ' ' + d.message)).toContain(
      'warning reload does not watch imported files before CoreDNS 1.7.0 (running 1.6.9): edits to /etc/coredns/x.override need a restart',
    );
  });
});

describe('plugin validation in CoreDNS wording', () => {
  it.each([
    ['errors visible', '2:8 plugin/errors: invalid log file: visible'],
    ['errors\nerrors', '3:1 plugin/errors: this plugin can only be used once per Server Block'],
    ['cache 0', '2:7 plugin/cache: cache TTL can not be zero or negative: 0'],
    ['cache {\n servfail 6m\n}', '3:11 plugin/cache: caching SERVFAIL responses over 5 minutes is not permitted'],
    ['health bla', '2:8 plugin/health: address bla: missing port in address'],
    ['reload 1s', '2:8 plugin/reload: interval value must be greater or equal to 2s'],
    ['loop x', '2:6 plugin/loop: Wrong argument count or unexpected line ending after \'x\''],
    ['forward . 127.0.0.1 {\n policy fastest\n}', "3:9 plugin/forward: unknown policy 'fastest'"],
    ['forward . quic://1.1.1.1', "2:11 plugin/forward: 'quic' is not supported as a destination protocol in forward: quic://1.1.1.1"],
    [`forward . ${Array.from({ length: 16 }, (_, i) => `10.0.0.${i + 1}`).join(' ')}`, '2:152 plugin/forward: more than 15 TOs configured: 16'],
    ['hosts {\n fallthrough\n 10.0.0.1 a.org\n}', "4:2 plugin/hosts: unknown property '10.0.0.1'"],
    ['hosts {\n ttl 0\n}', '3:6 plugin/hosts: ttl provided is invalid'],
    ['kubernetes in-addr.arpa', '2:12 plugin/kubernetes: non-reverse zone name must be used'],
    ['kubernetes cluster.local {\n pods giant\n}', '3:7 plugin/kubernetes: wrong value for pods: giant,  must be one of: disabled, verified, insecure'],
    ['kubernetes cluster.local\nkubernetes cluster.local', '3:1 plugin/kubernetes: this plugin can only be used once per Server Block'],
    ['rewrite name regex (a b', '2:23 plugin/rewrite: invalid regex matching pattern: (a'],
    ['rewrite name regex (.*)\\.a {1}.{2}.b', '2:28 plugin/rewrite: the rewrite regex pattern ({1}.{2}.b) uses more subexpressions than its corresponding matching regex pattern ((.*)\\.a)'],
    ['template IN A {\n rcode nxdomain\n}', '3:8 plugin/template: unknown rcode nxdomain'],
    ['acl {\n block net 10.0.0.0/33\n}', '3:12 plugin/acl: illegal CIDR notation "10.0.0.0/33"'],
    ['view v {\n expr name() == "a."\n}', expect.stringMatching(/^3:17 plugin\/view: cannot compile expression/)],
    ['autopath', '2:1 plugin/autopath: no resolv-conf specified'],
    ['bufsize 100', "2:9 plugin/bufsize: Wrong argument count or unexpected line ending after '100'"],
    ['local {\n localhost_prefix maybe\n}', '3:19 plugin/local: localhost_prefix expects \'on\' or \'off\', got "maybe"'],
    ['bind 1.2.3.invalid', '2:6 plugin/bind: not a valid IP address or interface name: "1.2.3.invalid"'],
    ['k8s_external example.org', '2:1 plugin/k8s_external: kubernetes plugin not loaded'],
    ['whoami example.org', "2:8 plugin/whoami: Wrong argument count or unexpected line ending after 'example.org'"],
  ])('%j → %s', (body, message) => {
    expect(errors(block(body))).toEqual([message]);
  });

  it('never errors about files on the CoreDNS pod: notes them, or warns when the pod view says they are missing', () => {
    const t = block('hosts /etc/coredns/NodeHosts\nforward . /etc/coredns/upstream.conf\nfile /etc/coredns/db.example.org example.org');
    const unknown = checkCorefile(t);
    expect(unknown.ok).toBe(true);
    expect(unknown.diagnostics.filter((d) => d.severity === 'info' && d.message.includes('read on the CoreDNS pod')).map((d) => d.plugin)).toEqual(['hosts', 'file', 'forward']);
    const missing = checkCorefile(t, { files: memoryFileSource({ '/etc/coredns/upstream.conf': 'search x\n' }) });
    expect(missing.ok).toBe(true);
    expect(missing.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toEqual([
      'hosts file /etc/coredns/NodeHosts does not exist on the CoreDNS pod',
      'zone file /etc/coredns/db.example.org does not exist on the CoreDNS pod',
      '/etc/coredns/upstream.conf has no nameserver line: no valid upstream addresses found',
    ]);
    const present = checkCorefile(t, {
      files: memoryFileSource({ '/etc/coredns/NodeHosts': '', '/etc/coredns/db.example.org': '', '/etc/coredns/upstream.conf': 'nameserver 192.0.2.53\n' }),
    });
    expect(present.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('reports other plugins as not modelled, never as errors', () => {
    const r = checkCorefile(block('dnstap /tmp/x.sock full\nchaos CoreDNS-001 x@y\nnsid foo bar baz\nerratic {\n nonsense\n}'));
    expect(r.ok).toBe(true);
    const infos = r.diagnostics.filter((d: Diagnostic) => d.severity === 'info').map((d) => d.plugin);
    expect(infos.sort()).toEqual(['chaos', 'dnstap', 'erratic', 'nsid']);
  });

  it('checks only the once-per-block rule of ErrOnce plugins it does not otherwise model', () => {
    expect(errors(block('nsid a\nnsid b'))).toEqual(['3:1 plugin/nsid: this plugin can only be used once per Server Block']);
    expect(errors(block('geoip /a.mmdb\ngeoip /b.mmdb'))).toEqual(['3:1 plugin/geoip: configuring multiple databases is not supported']);
    expect(errors(block('nsid a\ndnstap /x\ndnstap /y'))).toEqual([]);
  });

  it('validates a model directly and concatenates repeated directives like CoreDNS', () => {
    const m = parseCorefile(block('log a.org\ncache 30\nlog {\n class denial\n}\ncache 10')).model;
    expect(validateCorefile(m).filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'this plugin can only be used once per Server Block',
    ]);
  });

  it('skips setup checks when the file does not parse (CoreDNS stops at the parse error)', () => {
    expect(errors('. {\n cache 0\n whoami }\n}')).toEqual(["3:9 Unexpected '}' because no matching opening brace"]);
  });
});
