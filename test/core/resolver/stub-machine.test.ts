/**
 * The stub-resolver machines driven by scripted replies. Each scenario reproduces a sequence and a
 * timing measured with real getent against a real server (glibc 2.36).
 */
import { describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../../src/core/resolver/resolv-conf.js';
import { type ExchangeStep, type FamilyResult, type StubOutcome, createStubMachine, glibcTryTimeoutSeconds } from '../../../src/core/resolver/stub-machine.js';
import type { Libc } from '../../../src/core/resolver/resolv-conf.js';

type Reply = Omit<FamilyResult, 'qtype' | 'addresses' | 'answerCount'> & { addresses?: string[]; answerCount?: number };
/** Decides what one family gets at one server for one name. */
type Oracle = (qname: string, qtype: string, server: string, step: ExchangeStep) => Reply;

const nx: Reply = { outcome: 'answer', rcode: 'NXDOMAIN', latencyMs: 1 };
const drop: Reply = { outcome: 'timeout', latencyMs: 0 };
const ok = (ip: string): Reply => ({ outcome: 'answer', rcode: 'NOERROR', latencyMs: 1, addresses: [ip] });
const nodata: Reply = { outcome: 'answer', rcode: 'NOERROR', latencyMs: 1 };
const rcode = (r: string): Reply => ({ outcome: 'answer', rcode: r, latencyMs: 1 });

function run(name: string, confText: string, libc: Libc, oracle: Oracle): { steps: ExchangeStep[]; outcome: StubOutcome } {
  const m = createStubMachine(name, parseResolvConf(confText), libc);
  const steps: ExchangeStep[] = [];
  for (let i = 0; i < 200; i++) {
    const s = m.next();
    if (s.kind === 'done') return { steps, outcome: s.outcome };
    steps.push(s);
    m.observe(
      s.families.map((f) => {
        const r = oracle(s.qname, f, s.servers[0]!, s);
        const addresses = r.addresses ?? [];
        return { ...r, qtype: f, addresses, answerCount: r.answerCount ?? addresses.length, server: s.servers[0] };
      }),
    );
  }
  throw new Error('machine did not finish');
}

const search = 'search ns.svc.cluster.local svc.cluster.local cluster.local\n';
const publicOnly: Oracle = (q, t) => (q === 's3.example.com.' ? (t === 'A' ? ok('203.0.113.9') : nodata) : nx);

describe('glibc stub machine', () => {
  it('a CNAME without an address stops the search list at that name: one pair, NODATA (measured with getent on an ExternalName alias)', () => {
    const bareCname: Reply = { outcome: 'answer', rcode: 'NOERROR', latencyMs: 1, answerCount: 1 };
    const { steps, outcome } = run('ledger-db', `search billing.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`, 'glibc', (q) => (q === 'ledger-db.billing.svc.cluster.local.' ? bareCname : nx));
    expect(steps.map((s) => s.qname)).toEqual(['ledger-db.billing.svc.cluster.local.']);
    expect(outcome).toMatchObject({ ok: false, error: 'NODATA' });
  });

  it('an empty NOERROR (no answer at all) still moves on to the next search name', () => {
    const { steps, outcome } = run('api', `search a.example b.example\nnameserver 10.96.0.10\noptions ndots:1\n`, 'glibc', (q, t) => (q === 'api.a.example.' ? nodata : q === 'api.b.example.' && t === 'A' ? ok('192.0.2.7') : q === 'api.b.example.' ? nodata : nx));
    expect(steps.map((s) => s.qname)).toEqual(['api.a.example.', 'api.b.example.']);
    expect(outcome).toMatchObject({ ok: true, addresses: ['192.0.2.7'] });
  });

  it('ndots:5 s3.example.com: three NXDOMAIN pairs then the answer, one try each (measured order)', () => {
    const { steps, outcome } = run('s3.example.com', `${search}nameserver 10.96.0.10\noptions ndots:5\n`, 'glibc', publicOnly);
    expect(steps.map((s) => s.qname)).toEqual(['s3.example.com.ns.svc.cluster.local.', 's3.example.com.svc.cluster.local.', 's3.example.com.cluster.local.', 's3.example.com.']);
    expect(steps.every((s) => s.mode === 'shared' && s.families.join() === 'A,AAAA')).toBe(true);
    expect(outcome).toMatchObject({ ok: true, addresses: ['203.0.113.9'], finalName: 's3.example.com.', answeredBy: '10.96.0.10' });
  });

  it('server drops everything, timeout:1 attempts:2: the first search name twice, then the bare name twice, 4.0 s (measured)', () => {
    const { steps, outcome } = run('s3.example.com', `${search}nameserver 10.96.0.10\noptions ndots:5 timeout:1 attempts:2\n`, 'glibc', () => drop);
    expect(steps.map((s) => [s.qname, s.atMs])).toEqual([
      ['s3.example.com.ns.svc.cluster.local.', 0],
      ['s3.example.com.ns.svc.cluster.local.', 1000],
      ['s3.example.com.', 2000],
      ['s3.example.com.', 3000],
    ]);
    expect(outcome).toMatchObject({ ok: false, error: 'TIMEOUT', totalMs: 4000 });
  });

  it('two nameservers, the first drops: every name costs one lost second at ns1, then ns2; no memory across names (measured 4.0 s)', () => {
    const { steps, outcome } = run('s3.example.com', `${search}nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:5 timeout:1 attempts:2\n`, 'glibc', (q, t, server) =>
      server === '10.0.0.1' ? drop : publicOnly(q, t, server, undefined as never),
    );
    expect(steps.map((s) => s.servers[0])).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2']);
    expect(outcome.ok).toBe(true);
    expect(outcome.totalMs).toBe(4004);
  });

  it('REFUSED is re-sent to the next server (attempts times with one server) and abandons the search list; NXDOMAIN is not re-sent', () => {
    const { steps, outcome } = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5 timeout:1 attempts:2\n`, 'glibc', () => rcode('REFUSED'));
    expect(steps.map((s) => s.qname)).toEqual(['api.ns.svc.cluster.local.', 'api.ns.svc.cluster.local.', 'api.', 'api.']);
    expect(outcome).toMatchObject({ ok: false, error: 'REFUSED' });
    const nxRun = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5\n`, 'glibc', () => nx);
    expect(nxRun.steps).toHaveLength(4);
    expect(nxRun.outcome).toMatchObject({ ok: false, error: 'NXDOMAIN' });
  });

  it('SERVFAIL everywhere walks on through the search list and ends SERVFAIL; NODATA anywhere ends NODATA', () => {
    const sf = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5 attempts:1\n`, 'glibc', () => rcode('SERVFAIL'));
    expect(sf.steps.map((s) => s.qname)).toEqual(['api.ns.svc.cluster.local.', 'api.svc.cluster.local.', 'api.cluster.local.', 'api.']);
    expect(sf.outcome.error).toBe('SERVFAIL');
    const nd = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5\n`, 'glibc', (q) => (q === 'api.svc.cluster.local.' ? nodata : nx));
    expect(nd.steps).toHaveLength(4);
    expect(nd.outcome.error).toBe('NODATA');
  });

  it('a name with enough dots is tried as-is first; its error is the one reported', () => {
    const { steps, outcome } = run('a.b', `${search}nameserver 10.0.0.1\noptions ndots:1\n`, 'glibc', (q) => (q === 'a.b.' ? rcode('NXDOMAIN') : nodata));
    expect(steps.map((s) => s.qname)).toEqual(['a.b.', 'a.b.ns.svc.cluster.local.', 'a.b.svc.cluster.local.', 'a.b.cluster.local.']);
    expect(outcome.error).toBe('NXDOMAIN');
  });

  it('ICMP refusal from every server ends the lookup at once', () => {
    const { steps, outcome } = run('api', `${search}nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:5 attempts:2\n`, 'glibc', () => ({ outcome: 'refused', latencyMs: 0 }));
    expect(steps).toHaveLength(4);
    expect(outcome).toMatchObject({ ok: false, error: 'CONNREFUSED' });
  });

  it('rotate moves the first server for every query', () => {
    const { steps } = run('api', `${search}nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:5 rotate\n`, 'glibc', () => nx);
    expect(steps.map((s) => s.servers[0])).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2']);
  });

  it('later servers wait (timeout << i) / nscount, at least 1 s', () => {
    expect([0, 1, 2].map((i) => glibcTryTimeoutSeconds(5, i, 3))).toEqual([5, 3, 6]);
    expect(glibcTryTimeoutSeconds(1, 1, 2)).toBe(1);
  });

  describe('AAAA always dropped, timeout:2 attempts:1, four names (measured)', () => {
    const oracle: Oracle = (q, t) => (t === 'AAAA' ? drop : q === 's3.example.com.' ? ok('203.0.113.9') : nx);
    const conf = (extra: string) => `${search}nameserver 10.0.0.1\noptions ndots:5 timeout:2 attempts:1 ${extra}\n`;
    it('default: shared socket, re-sent once, then separate sockets for the rest: 12 s', () => {
      const { steps, outcome } = run('s3.example.com', conf(''), 'glibc', oracle);
      expect(steps.map((s) => [s.atMs, s.mode])).toEqual([
        [0, 'shared'],
        [2000, 'shared'],
        [4000, 'separate'],
        [6000, 'separate'],
        [8000, 'separate'],
        [10000, 'separate'],
      ]);
      expect(outcome).toMatchObject({ ok: true, totalMs: 12000 });
    });
    it('single-request-reopen: separate sockets from the start: 8 s', () => {
      expect(run('s3.example.com', conf('single-request-reopen'), 'glibc', oracle).outcome.totalMs).toBe(8000);
    });
    it('single-request: A then AAAA, then separate sockets: 10 s', () => {
      const { steps, outcome } = run('s3.example.com', conf('single-request'), 'glibc', oracle);
      expect(steps[0]!.mode).toBe('sequential');
      expect(steps[1]!.mode).toBe('separate');
      expect(outcome.totalMs).toBe(10000);
    });
  });

  it('use-vc sends over TCP, edns0 asks for EDNS', () => {
    const { steps } = run('api', `nameserver 10.0.0.1\noptions use-vc edns0\n`, 'glibc', () => ok('10.0.0.9'));
    expect(steps[0]).toMatchObject({ transport: 'tcp', edns: true });
  });
});

describe('musl stub machine', () => {
  it('walks the search list then the bare name on NXDOMAIN, all servers at once, re-sent every timeout/attempts', () => {
    const { steps, outcome } = run('api', `${search}nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:5 timeout:2 attempts:2\n`, 'musl', () => nx);
    expect(steps.map((s) => s.qname)).toEqual(['api.ns.svc.cluster.local.', 'api.svc.cluster.local.', 'api.cluster.local.', 'api.']);
    expect(steps[0]).toMatchObject({ servers: ['10.0.0.1', '10.0.0.2'], timeoutMs: 2000, retryIntervalMs: 1000 });
    expect(outcome.error).toBe('NXDOMAIN');
  });

  it('dots ≥ ndots: only the name as-is', () => {
    const { steps } = run('s3.example.com', `${search}nameserver 10.0.0.1\noptions ndots:2\n`, 'musl', publicOnly);
    expect(steps.map((s) => s.qname)).toEqual(['s3.example.com.']);
  });

  it('a timeout ends the lookup (EAI_AGAIN) instead of trying the bare name, after one timeout (not × attempts)', () => {
    const { steps, outcome } = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5 timeout:5 attempts:2\n`, 'musl', () => drop);
    expect(steps).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: false, error: 'TIMEOUT', totalMs: 5000 });
  });

  it('NODATA ends the search; REFUSED is ignored (so the name fails as refused after the timeout)', () => {
    const nd = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5\n`, 'musl', (q) => (q === 'api.svc.cluster.local.' ? nodata : nx));
    expect(nd.steps).toHaveLength(2);
    expect(nd.outcome.error).toBe('NODATA');
    const rf = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5 timeout:1\n`, 'musl', () => rcode('REFUSED'));
    expect(rf.steps).toHaveLength(1);
    expect(rf.outcome).toMatchObject({ error: 'REFUSED', totalMs: 1000 });
  });

  it('answers end the lookup with the addresses of both families', () => {
    const { outcome } = run('api', `${search}nameserver 10.0.0.1\noptions ndots:5\n`, 'musl', (q, t) => (q === 'api.svc.cluster.local.' ? ok(t === 'A' ? '10.0.0.5' : 'fd00::5') : nx));
    expect(outcome).toMatchObject({ ok: true, addresses: ['10.0.0.5', 'fd00::5'], finalName: 'api.svc.cluster.local.' });
  });
});
