/**
 * Fuzzing the emulated CoreDNS (fast-check, seeded): mutated and random DNS packets go into a lab
 * replica running the real Corefile engine (a cache, the kubernetes plugin, forward to upstreams,
 * a split-horizon stub domain). Each packet gets nothing back or a DNS response carrying its id;
 * the engine throws nothing but the project's typed errors (the replica would hide any other as a
 * SERVFAIL, so the engine is watched directly); and the replica still answers a real query after.
 */
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnswhyError } from '../../../src/core/errors.js';
import type { CorefileEngine } from '../../../src/lab/dns/corefile-engine.js';
import { corefileServerEngine } from '../../../src/lab/dns/corefile-server-engine.js';
import type { LabDnsWorld } from '../../../src/lab/dns/dns-world.js';
import type { AddressMap } from '../../../src/lab/net/address-map.js';
import { ask, datas } from './dns-test-client.js';
import { startFixtureWorld } from './world-fixture.js';

const cases = 3000;
const seed = 13_2026;

/** The real engine, with every error its handle() throws kept. */
const thrown: unknown[] = [];
const watchedEngine: CorefileEngine = (text, world, io) => {
  const running = corefileServerEngine(text, world, io);
  return {
    ...running,
    async handle(q, client) {
      try {
        return await running.handle(q, client);
      } catch (err) {
        thrown.push(err);
        throw err;
      }
    },
  };
};

const names = ['s3.cloud-b.example', 'kubernetes.default.svc.cluster.local', 'service-b.svc-b.svc.cluster.local', '1.0.96.10.in-addr.arpa', 'example.org', '.', 'a'.repeat(63) + '.example', '_http._tcp.service-b.svc-b.svc.cluster.local'];
const types = ['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'MX', 'CNAME', 'NS', 'SOA', 'ANY', 'HINFO', 'CAA', 'DS'] as const;

/** A well-formed query, sometimes with EDNS (and a tiny or huge UDP size). */
const query = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  name: fc.constantFrom(...names),
  type: fc.constantFrom(...types),
  rd: fc.boolean(),
  edns: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
  twoQuestions: fc.boolean(),
});

/** What is done to its bytes. */
const damage = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('cut' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 600 }) }),
);

type Query = { id: number; name: string; type: (typeof types)[number]; rd: boolean; edns: number | undefined; twoQuestions: boolean };
type Damage = { kind: 'none' } | { kind: 'flip'; edits: { at: number; value: number }[] } | { kind: 'cut'; keep: number } | { kind: 'append'; bytes: Uint8Array } | { kind: 'random'; bytes: Uint8Array };

function packet(q: Query, d: Damage): Buffer {
  if (d.kind === 'random') return Buffer.from(d.bytes);
  const wire = dnsPacket.encode({
    type: 'query',
    id: q.id,
    flags: q.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name: q.name, type: q.type }, ...(q.twoQuestions ? [{ name: 'example.org', type: 'A' as const }] : [])],
    ...(q.edns !== undefined ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: q.edns }] } : {}),
  } as dnsPacket.Packet);
  if (d.kind === 'flip') {
    const out = Buffer.from(wire);
    for (const e of d.edits) out[e.at % out.length] = e.value;
    return out;
  }
  if (d.kind === 'cut') return wire.subarray(0, d.keep % (wire.length + 1));
  if (d.kind === 'append') return Buffer.concat([wire, Buffer.from(d.bytes)]);
  return wire;
}

describe(`fuzz: ${cases} mutated and random DNS packets into an emulated CoreDNS replica (real Corefile engine, seed ${seed})`, { timeout: 60_000 }, () => {
  let world: LabDnsWorld;
  let map: AddressMap;

  beforeAll(async () => {
    ({ world, map } = await startFixtureWorld('split-horizon.yaml', { engine: watchedEngine, forwardReadTimeoutMs: 100, podFiles: () => undefined }));
  });
  afterAll(async () => world?.stop());

  it('answers each with nothing or a response carrying its id, throws only typed errors, and keeps answering', async () => {
    const replica = world.replicas.get('coredns-a')!;
    const inputs = fc.sample(fc.tuple(query, damage, fc.constantFrom('udp' as const, 'tcp' as const)), { numRuns: cases, seed });
    let answered = 0;
    // In batches: forwarded names wait for upstreams, and the replica serves many clients at once anyway.
    for (let i = 0; i < inputs.length; i += 100) {
      await Promise.all(
        inputs.slice(i, i + 100).map(async ([q, d, proto], k) => {
          const wire = packet(q as Query, d as Damage);
          const reply = await replica.handle(wire, { ip: '10.245.4.17', port: 10_000 + ((i + k) % 50_000), sourceIp: '10.245.4.17', host: '127.0.0.1', hostPort: 1 }, proto);
          if (reply === null) return;
          answered += 1;
          const decoded = dnsPacket.decode(reply);
          expect(decoded.type).toBe('response');
          expect(decoded.id).toBe(wire.readUInt16BE(0));
          if (proto === 'udp') expect(reply.length).toBeLessThanOrEqual(65_535);
        }),
      );
    }
    expect(thrown.filter((e) => !(e instanceof DnswhyError))).toEqual([]);
    // Most inputs are still queries: the fuzz reached the engine, not only the decoder.
    expect(answered).toBeGreaterThan(cases / 3);
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 's3.cloud-b.example'))).toEqual(['10.118.163.249']);
  });

  it('answers a name with bytes that are not UTF-8 FORMERR without echoing it (replica and upstream resolver), instead of a label of 65 bytes', async () => {
    // The case this fuzz found: a 63-byte label with one byte 0xfe, read as U+FFFD (3 bytes) and echoed back over-long.
    const label = Buffer.from('a'.repeat(63));
    label[10] = 0xfe;
    const question = Buffer.concat([Buffer.from([63]), label, Buffer.from([7]), Buffer.from('example'), Buffer.from([0, 0, 1, 0, 1])]);
    const query = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), question]);
    const client = { ip: '10.245.4.17', port: 5353, sourceIp: '10.245.4.17', host: '127.0.0.1', hostPort: 1 };
    const replica = world.replicas.get('coredns-a')!;
    const resolver = world.resolvers[0]!;
    for (const wire of [await replica.handle(query, client, 'udp'), await resolver.answer(query, client, 'udp')]) {
      const reply = dnsPacket.decode(wire!) as dnsPacket.DecodedPacket & { rcode?: string };
      expect(reply.id).toBe(0x1234);
      expect(reply.rcode).toBe('FORMERR');
      expect(reply.questions).toEqual([]);
    }
  });
});
