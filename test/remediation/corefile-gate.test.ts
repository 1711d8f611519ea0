import { describe, expect, it } from 'vitest';
import { gateCorefile, hasReload, versionFromImage } from '../../src/remediation/corefile-gate.js';

describe('Corefile gate', () => {
  it('reads the CoreDNS version from image references', () => {
    expect(versionFromImage('registry.k8s.io/coredns/coredns:v1.11.1')).toBe('1.11.1');
    expect(versionFromImage('coredns/coredns:1.8.0')).toBe('1.8.0');
    expect(versionFromImage('docker.io/rancher/mirrored-coredns-coredns:1.10.1')).toBe('1.10.1');
    expect(versionFromImage('coredns/coredns@sha256:abc')).toBeUndefined();
    expect(versionFromImage(undefined)).toBeUndefined();
  });

  it('passes a valid Corefile with imports of coredns-custom files, and tells whether it reloads', () => {
    const text = `.:53 {\n    forward . /etc/resolv.conf\n    reload\n    import /etc/coredns/custom/*.override\n}\nimport /etc/coredns/custom/*.server\n`;
    const g = gateCorefile(text, { '/etc/coredns/custom/corp.server': 'corp.example:53 {\n    forward . 10.0.0.53\n}\n' });
    expect(g.errors).toEqual([]);
    expect(g.ok).toBe(true);
    expect(hasReload(g.model)).toBe(true);
    expect(g.model.blocks.map((b) => b.addresses[0]?.zone)).toEqual(['.', 'corp.example.']);
  });

  it('fails on a grammar error and on an error in an imported file', () => {
    expect(gateCorefile('.:53 {\n  forward . 1.1.1.1\n').ok).toBe(false);
    const bad = gateCorefile('import /etc/coredns/custom/*.server\n', { '/etc/coredns/custom/x.server': 'x.example {\n    forward\n}\n' });
    expect(bad.ok).toBe(false);
    expect(bad.errors.length).toBeGreaterThan(0);
  });
});
