import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressMap } from '../../../src/lab/net/address-map.js';
import { LabNetwork } from '../../../src/lab/net/lab-network.js';
import { NetworkRules } from '../../../src/lab/net/network-rules.js';
import { UpstreamResolver } from '../../../src/lab/dns/upstream-resolver.js';
import type { ScenarioResolver } from '../../../src/lab/scenario/schema.js';
import { twoZoneTopology } from '../net/topology-fixture.js';
import { ask, datas } from './dns-test-client.js';

let labNet: LabNetwork | undefined;
afterEach(async () => {
  await labNet?.close();
  labNet = undefined;
});

const cloudB: ScenarioResolver = {
  name: 'cloud-b-vpc',
  ip: '10.119.0.2',
  zones: [{ name: 'corp.example', soaMinimum: 30 }],
  records: [
    { name: 's3.cloud-b.example', type: 'A', values: ['10.118.163.242', '10.118.163.243'], ttl: 60 },
    { name: 'git.corp.example', type: 'A', values: ['10.30.0.5'], ttl: 30 },
    { name: 'www.corp.example', type: 'CNAME', values: ['git.corp.example'], ttl: 45 },
    { name: 'corp.example', type: 'MX', values: ['10 mail.corp.example.'], ttl: 300 },
    { name: '_ldap._tcp.corp.example', type: 'SRV', values: ['0 5 389 dc1.corp.example.'], ttl: 300 },
    { name: 'git.corp.example', type: 'TXT', values: ['owner=platform'], ttl: 300 },
  ],
  views: [{ match: ['zone:cloud-b-2'], records: [{ name: 's3.cloud-b.example', type: 'A', values: ['10.118.119.244', '10.118.119.245'], ttl: 60 }] }],
  otherNames: 'forward',
  forwardTo: 'public-dns',
};
const publicDns: ScenarioResolver = {
  name: 'public-dns',
  ip: '203.0.113.53',
  zones: [],
  records: [{ name: 'www.example.org', type: 'A', values: ['203.0.113.80'], ttl: 300 }],
  views: [],
  otherNames: 'nxdomain',
};

async function world(specs: ScenarioResolver[]): Promise<{ map: AddressMap; resolvers: UpstreamResolver[] }> {
  const map = new AddressMap(201);
  const topo = twoZoneTopology();
  labNet = await LabNetwork.start(map, topo, new NetworkRules([], topo, 1));
  const byName = (n: string): string | undefined => specs.find((s) => s.name === n)?.ip;
  const resolvers = await Promise.all(specs.map((s) => new UpstreamResolver(s, labNet!, { resolverIp: byName }).start()));
  return { map, resolvers };
}

describe('upstream resolver (real UDP/TCP)', () => {
  it('answers per view, by the source address after SNAT', async () => {
    const { map } = await world([cloudB, publicDns]);
    // a zone-1 pod: its packet leaves with the zone-1 node IP → global records
    expect(datas(await ask(map, '10.245.4.17', '10.119.0.2', 's3.cloud-b.example'))).toEqual(['10.118.163.242', '10.118.163.243']);
    // a zone-2 pod → the zone-2 view replaces the records for that name
    expect(datas(await ask(map, '10.245.5.9', '10.119.0.2', 's3.cloud-b.example'))).toEqual(['10.118.119.244', '10.118.119.245']);
    // the view does not define git.corp.example: global records still answer it
    expect(datas(await ask(map, '10.245.5.9', '10.119.0.2', 'git.corp.example'))).toEqual(['10.30.0.5']);
  });

  it('NXDOMAIN with the zone SOA (TTL = SOA minimum) for unknown names in a zone; NODATA for other types', async () => {
    const { map } = await world([cloudB, publicDns]);
    const nx = await ask(map, '10.245.4.17', '10.119.0.2', 'nope.corp.example');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.flag_aa).toBe(true);
    expect(nx.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'corp.example', ttl: 30, data: { minimum: 30 } });
    const nodata = await ask(map, '10.245.4.17', '10.119.0.2', 'git.corp.example', 'AAAA');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities?.[0]?.type).toBe('SOA');
  });

  it('follows CNAMEs inside the resolver and serves MX, SRV, TXT', async () => {
    const { map } = await world([cloudB, publicDns]);
    const cname = await ask(map, '10.245.4.17', '10.119.0.2', 'www.corp.example');
    expect(cname.answers?.map((a) => a.type)).toEqual(['CNAME', 'A']);
    expect(datas(cname)).toEqual(['10.30.0.5']);
    expect((await ask(map, '10.245.4.17', '10.119.0.2', 'corp.example', 'MX')).answers?.[0]).toMatchObject({ data: { preference: 10, exchange: 'mail.corp.example' } });
    expect((await ask(map, '10.245.4.17', '10.119.0.2', '_ldap._tcp.corp.example', 'SRV')).answers?.[0]).toMatchObject({ data: { port: 389, target: 'dc1.corp.example' } });
    const txt = await ask(map, '10.245.4.17', '10.119.0.2', 'git.corp.example', 'TXT', { proto: 'tcp' });
    expect(String((txt.answers?.[0] as { data: Buffer[] }).data[0])).toBe('owner=platform');
  });

  it('forwards other names from its own address; the next resolver sees it as the client', async () => {
    const { map, resolvers } = await world([cloudB, publicDns]);
    expect(datas(await ask(map, '10.245.4.17', '10.119.0.2', 'www.example.org'))).toEqual(['203.0.113.80']);
    expect(resolvers[1]!.log.at(-1)).toMatchObject({ client: '10.119.0.2', name: 'www.example.org' });
    const nx = await ask(map, '10.245.4.17', '10.119.0.2', 'missing.example.net');
    expect(nx.rcode).toBe('NXDOMAIN');
  });

  it('expands wildcard records as RFC 4592 says: only for names that do not exist, with the query name as owner', async () => {
    const { map } = await world([
      {
        ...publicDns,
        zones: [{ name: 'office.example', soaMinimum: 60 }],
        records: [
          { name: '*.office.example', type: 'A', values: ['192.0.2.44'], ttl: 120 },
          { name: 'printer.office.example', type: 'A', values: ['192.0.2.9'], ttl: 120 },
          { name: 'a.lab.office.example', type: 'A', values: ['192.0.2.10'], ttl: 120 },
          { name: '*.cdn.example', type: 'CNAME', values: ['edge.example.org'], ttl: 30 },
          { name: 'edge.example.org', type: 'A', values: ['198.51.100.20'], ttl: 30 },
        ],
      },
    ]);
    const synth = await ask(map, '10.245.4.17', '203.0.113.53', 'github.com.office.example');
    expect(datas(synth)).toEqual(['192.0.2.44']);
    expect(synth.answers?.[0]?.name).toBe('github.com.office.example');
    // An existing name is answered from its own records; its other types are NODATA, not the wildcard.
    expect(datas(await ask(map, '10.245.4.17', '203.0.113.53', 'printer.office.example'))).toEqual(['192.0.2.9']);
    // lab.office.example exists (an empty non-terminal), so names below it are not the wildcard's.
    expect((await ask(map, '10.245.4.17', '203.0.113.53', 'b.lab.office.example')).rcode).toBe('NXDOMAIN');
    expect((await ask(map, '10.245.4.17', '203.0.113.53', 'lab.office.example')).rcode).toBe('NOERROR');
    // The apex is not matched by its own wildcard; the wildcard's missing types are NODATA.
    expect(datas(await ask(map, '10.245.4.17', '203.0.113.53', 'office.example'))).toEqual([]);
    const aaaa = await ask(map, '10.245.4.17', '203.0.113.53', 'x.office.example', 'AAAA');
    expect([aaaa.rcode, aaaa.answers]).toEqual(['NOERROR', []]);
    // A wildcard CNAME is followed like any CNAME.
    const cname = await ask(map, '10.245.4.17', '203.0.113.53', 'img.cdn.example');
    expect(cname.answers?.map((a) => `${a.name} ${a.type}`)).toEqual(['img.cdn.example CNAME', 'edge.example.org A']);
  });

  it('otherNames refused / servfail', async () => {
    const { map } = await world([
      { ...publicDns, name: 'r1', ip: '10.0.9.1', otherNames: 'refused' },
      { ...publicDns, name: 'r2', ip: '10.0.9.2', otherNames: 'servfail' },
    ]);
    expect((await ask(map, '10.245.4.17', '10.0.9.1', 'x.example.net')).rcode).toBe('REFUSED');
    expect((await ask(map, '10.245.4.17', '10.0.9.2', 'x.example.net')).rcode).toBe('SERVFAIL');
  });

  it('truncates a UDP answer that does not fit 512 bytes; TCP carries it whole', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `198.51.100.${i + 1}`);
    const { map } = await world([{ ...publicDns, records: [{ name: 'big.example.org', type: 'A', values: many, ttl: 60 }] }]);
    const udp = await ask(map, '10.245.4.17', '203.0.113.53', 'big.example.org');
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    expect(datas(await ask(map, '10.245.4.17', '203.0.113.53', 'big.example.org', 'A', { proto: 'tcp' }))).toHaveLength(60);
  });

  it('ignores malformed packets and keeps serving', async () => {
    const { map } = await world([publicDns]);
    const dst = map.dial('203.0.113.53', 53, 'udp');
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.send(Buffer.from([1, 2, 3]), dst.port, dst.host, () => r()));
    await new Promise<void>((r) => s.send(Buffer.alloc(40, 0xff), dst.port, dst.host, () => r()));
    s.close();
    expect(datas(await ask(map, '10.245.4.17', '203.0.113.53', 'www.example.org'))).toEqual(['203.0.113.80']);
  });

  it('rejects record values it cannot encode, naming the record', async () => {
    await expect(world([{ ...publicDns, records: [{ name: 'm.example.org', type: 'MX', values: ['mail.example.org'], ttl: 1 }] }])).rejects.toThrow(/m.example.org MX: value "mail.example.org"/);
  });
});
