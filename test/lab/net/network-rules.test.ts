import { describe, expect, it } from 'vitest';
import { NetworkRuleError, NetworkRules } from '../../../src/lab/net/network-rules.js';
import { compileSelector, SelectorError } from '../../../src/lab/net/selector.js';
import { twoZoneTopology } from './topology-fixture.js';

describe('selectors', () => {
  const topo = twoZoneTopology();

  it('node: matches the node IP and its pods, including pods only known by podCIDR', () => {
    const m = compileSelector('node:gpu-zone1', topo);
    expect(m('10.119.96.10')).toBe(true);
    expect(m('10.245.4.17')).toBe(true);
    expect(m('10.245.4.200')).toBe(true); // a probe pod created later on that node
    expect(m('10.245.5.9')).toBe(false);
    expect(m('10.119.96.11')).toBe(false);
  });

  it('zone:, pod:, service:, IP and CIDR', () => {
    expect(compileSelector('zone:cloud-b-2', topo)('10.245.5.9')).toBe(true);
    expect(compileSelector('zone:cloud-b-2', topo)('10.245.4.17')).toBe(false);
    expect(compileSelector('pod:mos/mos-model', topo)('10.245.4.17')).toBe(true);
    expect(compileSelector('pod:mos/mos-model', topo)('10.245.4.18')).toBe(false);
    expect(compileSelector('service:kube-system/kube-dns', topo)('10.96.0.10')).toBe(true);
    expect(compileSelector('service:default/nginx', topo)('10.96.0.10')).toBe(false);
    expect(compileSelector('10.118.163.0/24', topo)('10.118.163.242')).toBe(true);
    expect(compileSelector('10.118.163.0/24', topo)('10.118.119.244')).toBe(false);
    expect(compileSelector('10.119.0.2', topo)('10.119.0.2')).toBe(true);
  });

  it('names what is wrong with a bad selector', () => {
    expect(() => compileSelector('node:nope', topo)).toThrow(/no node named "nope"/);
    expect(() => compileSelector('zone:mars', topo)).toThrow(SelectorError);
    expect(() => compileSelector('pod:mos', topo)).toThrow(/NAMESPACE\/NAME/);
    expect(() => compileSelector('10.0.0.0/99', topo)).toThrow(/CIDR/);
    expect(() => compileSelector('gpu-zone1', topo)).toThrow(/expected an IP/);
  });
});

describe('network rules', () => {
  const topo = twoZoneTopology();

  it('first match decides, by proto and port', () => {
    const rules = new NetworkRules(
      [
        { from: 'node:gpu-zone1', to: 'node:dev-master', proto: 'udp', port: 53, action: 'drop' },
        { from: 'node:gpu-zone1', action: 'delay', ms: 800 },
        { to: '10.118.163.0/24', action: 'reject' },
      ],
      topo,
      1,
    );
    expect(rules.decide({ from: '10.245.4.17', to: '10.245.0.7', proto: 'udp', port: 53 })).toEqual({ action: 'drop', rule: 0 });
    expect(rules.decide({ from: '10.245.4.17', to: '10.245.0.7', proto: 'tcp', port: 53 })).toEqual({ action: 'deliver', delayMs: 800, rule: 1 });
    expect(rules.decide({ from: '10.245.5.9', to: '10.118.163.242', proto: 'tcp', port: 80 })).toEqual({ action: 'reject', rule: 2 });
    expect(rules.decide({ from: '10.245.5.9', to: '10.245.0.7', proto: 'udp', port: 53 })).toEqual({ action: 'deliver', delayMs: 0 });
  });

  it('loss follows the rate and is the same for the same seed', () => {
    const spec = [{ to: 'service:kube-system/kube-dns', proto: 'udp' as const, action: 'loss' as const, rate: 0.3 }];
    const run = (seed: number): boolean[] => {
      const rules = new NetworkRules(spec, topo, seed);
      return Array.from({ length: 2000 }, () => rules.decide({ from: '10.245.4.17', to: '10.96.0.10', proto: 'udp', port: 53 }).action === 'drop');
    };
    const a = run(7);
    const lost = a.filter(Boolean).length / a.length;
    expect(lost).toBeGreaterThan(0.25);
    expect(lost).toBeLessThan(0.35);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });

  it('a Service rule applies before translation, a node rule after it', () => {
    const rules = new NetworkRules(
      [
        { to: 'service:default/nginx', action: 'reject' },
        { from: 'node:gpu-zone1', to: 'node:dev-master', action: 'drop' },
      ],
      topo,
      1,
    );
    // to the DNS Service: no Service rule matches, so the translated packet (to the pod) is judged
    expect(rules.decideTranslated({ from: '10.245.4.17', to: '10.96.0.10', proto: 'udp', port: 53 }, { ip: '10.245.0.7', port: 53 }).action).toBe('drop');
    expect(rules.decideTranslated({ from: '10.245.5.9', to: '10.96.0.10', proto: 'udp', port: 53 }, { ip: '10.245.0.7', port: 53 }).action).toBe('deliver');
    expect(rules.decideTranslated({ from: '10.245.5.9', to: '10.96.3.4', proto: 'tcp', port: 80 }, { ip: '10.245.0.9', port: 80 }).action).toBe('reject');
  });

  it('names the rule that cannot be used', () => {
    expect(() => new NetworkRules([{ action: 'loss' }], topo, 1)).toThrow(/network\[0\]: action loss needs rate/);
    expect(() => new NetworkRules([{ action: 'drop' }, { from: 'node:x', action: 'drop' }], topo, 1)).toThrow(NetworkRuleError);
  });

  it('SNAT: a pod talking outside the cluster is seen with its node IP', () => {
    expect(topo.effectiveSource('10.245.4.17', '10.119.0.2')).toBe('10.119.96.10');
    expect(topo.effectiveSource('10.245.4.17', '10.245.0.7')).toBe('10.245.4.17');
    expect(topo.effectiveSource('10.245.4.17', '10.96.0.10')).toBe('10.245.4.17');
    expect(topo.effectiveSource('10.119.96.10', '10.119.0.2')).toBe('10.119.96.10');
  });
});
