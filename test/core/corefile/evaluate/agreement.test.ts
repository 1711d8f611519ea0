/** explain() and CorefileServer run the same pipeline: for locally answered queries they give the same answer. */
import { describe, expect, it } from 'vitest';
import { CorefileServer, explain } from '../../../../src/core/corefile/evaluate/index.js';
import { cluster, kubeadm, model, seed000ViewFix, seed003, seed004 } from './fixtures.js';
import { FakeServerIo, query } from './fake-io.js';

const cases: [string, string, string, string][] = [
  ['kubeadm', kubeadm, 'nginx.default.svc.cluster.local', 'A'],
  ['kubeadm', kubeadm, 'nope.default.svc.cluster.local', 'A'],
  ['kubeadm', kubeadm, 'db.shop.svc.cluster.local', 'A'],
  ['kubeadm', kubeadm, '7.12.96.10.in-addr.arpa', 'PTR'],
  ['kubeadm', kubeadm, 'mos-model.mos.svc.cluster.local', 'AAAA'],
  ['seed000 view', seed000ViewFix, 's3.cloudb.example', 'A'],
  ['seed000 view', seed000ViewFix, 's3.cloudb.example', 'AAAA'],
  ['seed003', seed003, 'nginx.default.svc.cluster.local.default.svc.cluster.local', 'A'],
  ['seed004', seed004, 'downloads.oneprocloud.com', 'A'],
];

describe('explain and CorefileServer agree', () => {
  for (const client of ['10.245.5.17', '10.245.1.20']) {
    it.each(cases)(`%s %s %s (client ${client})`, async (_label, text, name, type) => {
      const m = model(text);
      const world = { cluster };
      const e = explain(m, { name, type, client }, world);
      const srv = new CorefileServer(m, world, new FakeServerIo());
      const r = await srv.handle(query(name, type), { ip: client, port: 1, proto: 'udp' });
      expect(r!.rcode).toBe(e.rcode);
      const norm = (n: string) => n.replace(/\.$/, '');
      expect(r!.answers!.map((a) => `${a.type} ${norm(a.name)}`).sort()).toEqual(e.answers.map((a) => `${a.type} ${norm(a.name)}`).sort());
      expect((r!.authorities ?? []).map((a) => a.type)).toEqual(e.authority.map((a) => a.type));
      expect(r!.answers!.map((a) => a.ttl).sort()).toEqual(e.answers.map((a) => a.ttl).sort());
    });
  }
});
