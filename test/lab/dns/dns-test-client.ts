/** Test helper: one real DNS query from a cluster identity through the lab network, decoded. */
import dnsPacket from 'dns-packet';
import type { AddressMap } from '../../../src/lab/net/address-map.js';
import { exchangeFrom } from '../../../src/lab/net/lab-exchange.js';
import type { DnsMessage } from '../../../src/lab/dns/dns-wire.js';

let nextId = 1;

export async function ask(
  map: AddressMap,
  from: string,
  to: string,
  name: string,
  type: string = 'A',
  opts: { proto?: 'udp' | 'tcp'; timeoutMs?: number; port?: number } = {},
): Promise<DnsMessage> {
  const id = nextId++ & 0xffff;
  const q = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A' }] });
  const reply = await exchangeFrom(map, from, { ip: to, port: opts.port ?? 53 }, q, opts.proto ?? 'udp', opts.timeoutMs ?? 1500);
  return dnsPacket.decode(reply) as DnsMessage;
}

/** The answer data of one type, as strings. */
export function datas(m: DnsMessage, type = 'A'): string[] {
  return (m.answers ?? []).filter((a) => a.type === type).map((a) => String((a as { data: unknown }).data));
}
