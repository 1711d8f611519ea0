/** autopath @kubernetes (seeds 003 and 004 use it with pods verified). */
import { describe, expect, it } from 'vitest';
import { CorefileServer, explain } from '../../../../src/core/corefile/evaluate/index.js';
import { cluster, model, seed003, seed004 } from './fixtures.js';
import { FakeServerIo, query, upstreamAnswering } from './fake-io.js';

const busybox = '10.245.1.20'; // pod default/busybox
const world = { cluster, nodeResolvers: ['10.0.0.2'] };
const withNodeSearch = { ...world, nodeSearch: ['ec2.internal'] };

describe('autopath @kubernetes', () => {
  it('answers the first search expansion with a CNAME to the name that exists (seed 003)', () => {
    const e = explain(model(seed003), { name: 'nginx.default.svc.cluster.local.default.svc.cluster.local', type: 'A', client: busybox }, world);
    expect(e.plugin).toBe('kubernetes');
    expect(e.answers.map((a) => `${a.name} ${a.type} ${a.data}`)).toEqual([
      'nginx.default.svc.cluster.local.default.svc.cluster.local. CNAME nginx.default.svc.cluster.local.',
      'nginx.default.svc.cluster.local. A 10.96.12.7',
    ]);
  });

  it('a candidate from the node search list is forwarded: explain says the upstream decides', () => {
    const e = explain(model(seed003), { name: 'nginx.default.svc.cluster.local.default.svc.cluster.local', type: 'A', client: busybox }, withNodeSearch);
    expect(e.plugin).toBe('forward');
    expect(e.steps.join('\n')).toContain('nginx.default.svc.cluster.local.ec2.internal. is forwarded; if the upstream says NXDOMAIN');
  });

  it('does nothing for clients that are not known pods', () => {
    const e = explain(model(seed003), { name: 'nginx.default.svc.cluster.local.default.svc.cluster.local', type: 'A', client: '10.245.9.9' }, world);
    expect(e.rcode).toBe('NXDOMAIN');
  });

  it('seed 004: every candidate for the company name is NXDOMAIN inside oneprocloud.com; the first reply is returned', () => {
    const e = explain(model(seed004), { name: 'downloads.oneprocloud.com.default.svc.oneprocloud.com', type: 'A', client: busybox }, world);
    expect(e).toMatchObject({ plugin: 'kubernetes', rcode: 'NXDOMAIN', forwardTo: null });
    expect(e.steps.join('\n')).toContain('every candidate is NXDOMAIN');
  });

  it('an external name found through the search is forwarded; the server prepends the CNAME (fake ServerIo)', async () => {
    const e = explain(model(seed003), { name: 'www.google.com.default.svc.cluster.local', type: 'A', client: busybox }, world);
    expect(e.plugin).toBe('forward');
    const io = new FakeServerIo();
    io.upstreams.set('10.0.0.2:53', upstreamAnswering('142.250.1.1', 300, ['www.google.com.ec2.internal']));
    const srv = new CorefileServer(model(seed003), withNodeSearch, io);
    const r = await srv.handle(query('www.google.com.default.svc.cluster.local'), { ip: busybox, port: 5000, proto: 'udp' });
    expect(r!.answers!.map((a) => `${a.name} ${a.type} ${a.data}`)).toEqual([
      'www.google.com.default.svc.cluster.local CNAME www.google.com',
      'www.google.com A 142.250.1.1',
    ]);
    expect(io.calls.map((c) => c.name)).toEqual(['www.google.com.ec2.internal', 'www.google.com']);
  });
});
