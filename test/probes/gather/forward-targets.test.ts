import { describe, expect, it } from 'vitest';
import { explainedUpstreams, forwardTargetsFor, parseForwardTarget, scanForwardTargets } from '../../../src/probes/gather/forward-targets.js';

describe('forward targets', () => {
  it('parses the target forms forward accepts, and skips non-dns transports', () => {
    expect(parseForwardTarget('1.2.3.4')).toEqual({ ip: '1.2.3.4', port: 53 });
    expect(parseForwardTarget('dns://1.2.3.4:5353')).toEqual({ ip: '1.2.3.4', port: 5353 });
    expect(parseForwardTarget('[fd00::1]:53')).toEqual({ ip: 'fd00::1', port: 53 });
    expect(parseForwardTarget('fd00::2')).toEqual({ ip: 'fd00::2', port: 53 });
    expect(parseForwardTarget('tls://1.1.1.1')).toBeUndefined();
    expect(parseForwardTarget('/etc/resolv.conf')).toBeUndefined();
  });

  it('lists the upstreams whose server block and forward zone cover the name, across imported files', () => {
    const main = `.:53 {\n  forward . /etc/resolv.conf 10.0.0.2 {\n    max_fails 2\n  }\n}\ncloud-b.example {\n  forward cloud-b.example 192.168.7.2 192.168.7.3:5353 # comment 1.1.1.1\n}\n`;
    const custom = `corp.internal:53 {\n  forward . 172.16.0.53\n}\n`;
    const override = `forward . 10.9.9.9\n`;
    expect(scanForwardTargets([main, custom, override], 's3.cloud-b.example')).toEqual([
      { ip: '10.0.0.2', port: 53 },
      { ip: '192.168.7.2', port: 53 },
      { ip: '192.168.7.3', port: 5353 },
      { ip: '10.9.9.9', port: 53 },
    ]);
    expect(scanForwardTargets([custom], 'db.corp.internal')).toEqual([{ ip: '172.16.0.53', port: 53 }]);
    expect(scanForwardTargets([main], 'www.example.com')).toEqual([{ ip: '10.0.0.2', port: 53 }]);
  });

  it('puts what CoreDNS does for this client first (views), using the Corefile evaluator', () => {
    const corefile = `cloud-b.example {\n  view zone-b {\n    expr incidr(client_ip(), '10.244.2.0/24')\n  }\n  forward . 10.20.0.2\n}\ncloud-b.example {\n  forward . 192.168.7.2\n}\n.:53 {\n  forward . /etc/resolv.conf\n}\n`;
    expect(explainedUpstreams(corefile, {}, 's3.cloud-b.example', '10.244.2.7')).toEqual([{ ip: '10.20.0.2', port: 53 }]);
    expect(explainedUpstreams(corefile, {}, 's3.cloud-b.example', '10.244.1.7')).toEqual([{ ip: '192.168.7.2', port: 53 }]);
    expect(forwardTargetsFor(corefile, {}, 's3.cloud-b.example', '10.244.1.7')).toEqual([
      { ip: '192.168.7.2', port: 53 },
      { ip: '10.20.0.2', port: 53 },
    ]);
    expect(explainedUpstreams('.:53 {\n  forwrd . 1.1.1.1\n', {}, 'x.example', '10.0.0.1')).toBeUndefined();
  });
});
