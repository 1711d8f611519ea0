/**
 * Fuzzing the client with fast-check: a loopback server answers with random bytes or with mutated
 * real answers; every query must end in a typed outcome, never an exception or a hang.
 */
import fc from 'fast-check';
import { type DecodedPacket, encode } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsQueryResult, queryDns, resultFields } from '../../../src/probes/dns/dns-client.js';
import { matchesQuestion, safeDecode } from '../../../src/probes/dns/wire.js';
import { type FakeServer, reply, startFakeDns } from './helpers/fake-dns-server.js';

let makeReply: (q: DecodedPacket) => Buffer[] = () => [];
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeDns((q) => makeReply(q), { tcp: true });
});
afterAll(async () => {
  await server?.stop();
});

function realAnswer(q: DecodedPacket): Buffer {
  const name = q.questions![0]!.name;
  return encode(
    reply(q, 'NOERROR', [
      { type: 'CNAME', name, ttl: 30, data: `alias.${name}` },
      { type: 'A', name: `alias.${name}`, ttl: 30, data: '10.0.0.9' },
      { type: 'TXT', name, ttl: 30, data: ['hello'] },
      { type: 'SRV', name, ttl: 30, data: { priority: 1, weight: 2, port: 53, target: 'ns.example' } },
    ]),
  );
}

function mutate(buf: Buffer, edits: { at: number; value: number }[], cut: number): Buffer {
  const out = Buffer.from(buf);
  for (const e of edits) {
    // Keep the id intact half of the time so mutated packets get past the id check and into decoding.
    const at = e.at % out.length;
    if (at < 2 && e.value % 2 === 0) continue;
    out[at] = e.value;
  }
  return out.subarray(0, Math.max(0, out.length - cut));
}

function expectTyped(r: DnsQueryResult): void {
  expect(['answer', 'timeout', 'refused', 'error']).toContain(r.outcome);
  for (const rec of [...r.answers, ...r.authority]) {
    expect(typeof rec.name).toBe('string');
    expect(typeof rec.type).toBe('string');
    expect(typeof rec.data).toBe('string');
    expect(Number.isFinite(rec.ttl)).toBe(true);
  }
  expect(JSON.parse(JSON.stringify(r))).toBeTruthy();
}

const seed = 13_5353;
const parserCases = 1500;

describe(`dns client fuzzing (fast-check, loopback UDP/TCP server, seed ${seed})`, () => {
  it('60 cases: random bytes before the real answer never break matching; the real answer is still accepted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 4 }), async (garbage) => {
        makeReply = (q) => [...garbage.map((g) => Buffer.from(g)), realAnswer(q)];
        const r = await queryDns({ ip: server.host, port: server.port }, 'fuzz.example', 'A', { timeoutMs: 500, tries: 1 });
        expectTyped(r);
        expect(r.outcome).toBe('answer');
        expect(r.answers.some((a) => a.data === '10.0.0.9')).toBe(true);
      }),
      { numRuns: 60, seed },
    );
  });

  it('80 cases: mutated real answers over UDP give only typed outcomes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
        fc.nat({ max: 40 }),
        async (edits, cut) => {
          makeReply = (q) => [mutate(realAnswer(q), edits, cut)];
          const r = await queryDns({ ip: server.host, port: server.port }, 'fuzz.example', 'A', { timeoutMs: 25, tries: 1 });
          expectTyped(r);
        },
      ),
      { numRuns: 80, seed },
    );
  });

  it('40 cases: mutated real answers over TCP give only typed outcomes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
        fc.nat({ max: 40 }),
        async (edits, cut) => {
          makeReply = (q) => [mutate(realAnswer(q), edits, cut)];
          const r = await queryDns({ ip: server.host, port: server.port }, 'fuzz.example', 'A', { timeoutMs: 25, tries: 1, transport: 'tcp' });
          expectTyped(r);
        },
      ),
      { numRuns: 40, seed },
    );
  });

  it(`${parserCases} cases: mutated, cut and random answers straight into the probe's parser (decode, match, result fields) throw nothing`, () => {
    const question = { name: 'fuzz.example', type: 'A' } as const;
    const query = { id: 4242, questions: [{ name: 'fuzz.example', type: 'A' }] } as unknown as DecodedPacket;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }), fc.nat({ max: 60 })).map(([edits, cut]) => mutate(realAnswer(query), edits, cut)),
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
        ),
        (wire) => {
          const packet = safeDecode(wire);
          if (!packet) return;
          matchesQuestion(packet, 4242, question);
          const fields = resultFields(packet);
          expectTyped({ outcome: 'answer', answers: fields.answers, authority: fields.authority } as DnsQueryResult);
        },
      ),
      { numRuns: parserCases, seed },
    );
  });
});
