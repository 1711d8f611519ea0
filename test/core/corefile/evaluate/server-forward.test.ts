/** CorefileServer forward options with a fake ServerIo: max_concurrent, failover, prefer_udp / force_tcp. */
import { describe, expect, it } from 'vitest';
import { CorefileServer } from '../../../../src/core/corefile/evaluate/index.js';
import type { DnsMessage } from '../../../../src/core/corefile/evaluate/index.js';
import { model } from './fixtures.js';
import { FakeServerIo, query, upstreamAnswering } from './fake-io.js';

const udp = { ip: '10.245.1.20', port: 40000, proto: 'udp' as const };
const tcp = { ...udp, proto: 'tcp' as const };

describe('CorefileServer forward options (fake ServerIo)', () => {
  it('refuses queries beyond max_concurrent while upstream answers are outstanding', async () => {
    const io = new FakeServerIo();
    const release: (() => void)[] = [];
    io.upstreams.set('192.0.2.1:53', (q) => new Promise<DnsMessage>((resolve) => release.push(() => resolve(upstreamAnswering('198.51.100.1')(q, 'udp') as DnsMessage))));
    const srv = new CorefileServer(model('.:53 {\n    forward . 192.0.2.1 {\n        max_concurrent 2\n    }\n}\n'), {}, io);
    const pending = [srv.handle(query('a.example'), udp), srv.handle(query('b.example'), udp)];
    const third = await srv.handle(query('c.example'), udp);
    expect(third!.rcode).toBe('REFUSED');
    release.forEach((r) => r());
    const done = await Promise.all(pending);
    expect(done.map((d) => d!.rcode)).toEqual(['NOERROR', 'NOERROR']);
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('198.51.100.1'));
    expect((await srv.handle(query('d.example'), udp))!.rcode).toBe('NOERROR');
  });

  it('tries the next upstream on a failover rcode, and relays the last reply when all fail over', async () => {
    const io = new FakeServerIo();
    const servfail = (q: DnsMessage): DnsMessage => ({ id: q.id, type: 'response', flags: 0x8180 | 2, questions: q.questions });
    io.upstreams.set('192.0.2.1:53', servfail);
    io.upstreams.set('192.0.2.2:53', upstreamAnswering('198.51.100.2'));
    const text = '.:53 {\n    forward . 192.0.2.1 192.0.2.2 {\n        policy sequential\n        failover SERVFAIL\n    }\n}\n';
    const srv = new CorefileServer(model(text), {}, io);
    expect((await srv.handle(query('x.example'), udp))!.answers![0]!.data).toBe('198.51.100.2');
    io.upstreams.set('192.0.2.2:53', servfail);
    expect((await srv.handle(query('y.example'), udp))!.rcode).toBe('SERVFAIL');
    const plain = new CorefileServer(model(text.replace('        failover SERVFAIL\n', '')), {}, io);
    io.upstreams.set('192.0.2.2:53', upstreamAnswering('198.51.100.2'));
    expect((await plain.handle(query('z.example'), udp))!.rcode).toBe('SERVFAIL');
  });

  it('uses the client transport, force_tcp, and prefer_udp for TCP clients', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('198.51.100.1'));
    const plain = new CorefileServer(model('.:53 {\n    forward . 192.0.2.1\n}\n'), {}, io);
    await plain.handle(query('a.example'), tcp);
    const forced = new CorefileServer(model('.:53 {\n    forward . 192.0.2.1 {\n        force_tcp\n    }\n}\n'), {}, io);
    await forced.handle(query('b.example'), udp);
    const prefer = new CorefileServer(model('.:53 {\n    forward . 192.0.2.1 {\n        prefer_udp\n    }\n}\n'), {}, io);
    await prefer.handle(query('c.example'), tcp);
    expect(io.calls.map((c) => `${c.name} ${c.proto}`)).toEqual(['a.example tcp', 'b.example tcp', 'c.example udp']);
  });
});
