/**
 * One musl candidate on the wire, as res_msend.c does it (checked against real musl in the netns
 * lab, docs/resolver-agreement.md): one unconnected UDP socket; every family's query goes to every
 * nameserver at once and is re-sent to all of them each retry interval until it is answered or the
 * timeout passes. Only NOERROR and NXDOMAIN answer a query (the first one wins); a SERVFAIL is re-sent
 * to that server at once while a budget of twice the query count lasts (renewed each interval);
 * REFUSED and other codes are ignored, so musl keeps waiting. An unconnected socket never sees ICMP refusals.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { NetworkPosition } from '../../core/network-position.js';
import type { StubQuery } from '../../core/model/evidence.js';
import type { RecordType } from '../../core/model/dns.js';
import type { ExchangeStep, FamilyResult } from '../../core/resolver/stub-machine.js';
import { resultFields } from './dns-client.js';
import { encodeQuery, matchesQuestion, safeDecode } from './wire.js';

export interface MuslRoundContext {
  network: NetworkPosition;
  bindHost: string | undefined;
  sourceIp: string | undefined;
  /** Real ms for a libc ms. */
  wait: (libcMs: number) => number;
}

interface FamilyState {
  qtype: RecordType;
  id: number;
  buf: Buffer;
  answer?: FamilyResult;
  lastRcode?: string;
}

export function muslRound(step: ExchangeStep, ctx: MuslRoundContext): Promise<{ results: FamilyResult[]; sent: StubQuery[] }> {
  const interval = step.retryIntervalMs ?? step.timeoutMs;
  const dests = step.servers.map((s) => ({ server: s, ...ctx.network.dial(s, 53, 'udp', ctx.sourceIp) }));
  const families: FamilyState[] = step.families.map((qtype) => {
    const id = randomInt(0, 65536);
    return { qtype, id, buf: encodeQuery(id, { name: step.qname, type: qtype }, { edns: step.edns }) };
  });
  const sent: StubQuery[] = [];
  const sock = createSocket('udp4');
  const started = performance.now();
  const libcNow = () => step.atMs + (performance.now() - started) * (interval / Math.max(1, ctx.wait(interval)));
  let servfailBudget = 2 * families.length;
  const send = (f: FamilyState, d: (typeof dests)[number], atMs: number) => {
    sock.send(f.buf, d.port, d.host, () => {});
    sent.push({ qname: step.qname, qtype: f.qtype, server: d.server, atMs: Math.round(atMs), outcome: 'timeout', answers: [], latencyMs: interval });
  };
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const t of timers) clearTimeout(t);
      sock.close();
      const results = families.map(
        (f): FamilyResult =>
          f.answer ??
          (f.lastRcode !== undefined
            ? { qtype: f.qtype, outcome: 'answer', rcode: f.lastRcode, addresses: [], answerCount: 0, latencyMs: step.timeoutMs }
            : { qtype: f.qtype, outcome: 'timeout', addresses: [], answerCount: 0, latencyMs: step.timeoutMs }),
      );
      resolve({ results, sent: sent.sort((a, b) => a.atMs - b.atMs) });
    };
    sock.on('error', () => {});
    sock.on('message', (msg, rinfo) => {
      const p = safeDecode(msg);
      const d = dests.find((x) => x.host === rinfo.address.replace(/^::ffff:/, '') && x.port === rinfo.port);
      if (!p || !d) return;
      const f = families.find((x) => matchesQuestion(p, x.id, { name: step.qname, type: x.qtype }));
      if (!f || f.answer) return;
      const fields = resultFields(p);
      const rcode = fields.rcode ?? 'NOERROR';
      const record = [...sent].reverse().find((q) => q.qtype === f.qtype && q.server === d.server);
      if (record) Object.assign(record, { outcome: 'answer', rcode, answers: fields.answers.map((a) => a.data), latencyMs: Math.round(libcNow() - record.atMs) });
      if (rcode === 'NOERROR' || rcode === 'NXDOMAIN') {
        const addresses = fields.answers.filter((a) => a.type === f.qtype).map((a) => a.data);
        f.answer = { qtype: f.qtype, outcome: 'answer', rcode, addresses, answerCount: fields.answers.length, latencyMs: Math.round(libcNow() - step.atMs), server: d.server };
        if (families.every((x) => x.answer)) finish();
        return;
      }
      f.lastRcode = rcode;
      if (rcode === 'SERVFAIL' && servfailBudget > 0) {
        servfailBudget--;
        send(f, d, libcNow());
      }
    });
    sock.bind({ port: 0, ...(ctx.bindHost ? { address: ctx.bindHost } : {}) }, () => {
      for (const f of families) for (const d of dests) send(f, d, step.atMs);
      const rounds = Math.max(1, Math.round(step.timeoutMs / interval));
      for (let k = 1; k < rounds; k++) {
        timers.push(
          setTimeout(() => {
            for (const f of families) if (!f.answer) for (const d of dests) send(f, d, step.atMs + k * interval);
            servfailBudget = 2 * families.length;
          }, ctx.wait(interval) * k),
        );
      }
      timers.push(setTimeout(finish, ctx.wait(interval) * rounds));
    });
  });
}
