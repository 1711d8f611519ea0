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

  it('retries failing upstreams within forward\'s deadline, and tries each once without one', async () => {
    const io = new FakeServerIo();
    let failures = 0;
    // Each failed exchange takes 2 s of the (fake) clock, as a read timeout would; the third attempt succeeds.
    io.upstreams.set('192.0.2.1:53', (q, proto) => {
      io.clock += 2000;
      if (++failures < 3) throw new Error('i/o timeout');
      return upstreamAnswering('198.51.100.1')(q, proto);
    });
    const text = '.:53 {\n    forward . 192.0.2.1 {\n        max_fails 0\n    }\n}\n';
    const once = new CorefileServer(model(text), {}, io);
    expect((await once.handle(query('a.example'), udp))!.rcode).toBe('SERVFAIL');
    failures = 0;
    io.forwardDeadlineMs = 5000;
    const retrying = new CorefileServer(model(text), {}, io);
    const r = await retrying.handle(query('b.example'), udp);
    expect(r!.answers![0]!.data).toBe('198.51.100.1');
    // Past the deadline it gives up: attempts at 0 s and 2 s fail, the one starting at 4 s is the last.
    failures = -10;
    expect((await retrying.handle(query('c.example'), udp))!.rcode).toBe('SERVFAIL');
    expect(io.calls.filter((c) => c.name === 'c.example')).toHaveLength(3);
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
