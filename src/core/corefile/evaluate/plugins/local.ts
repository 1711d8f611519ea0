/**
 * local (coredns plugin/local): answers localhost., *.localhost., the 0/127/255.in-addr.arpa zones and,
 * with `localhost_prefix on` (default), any name starting with `localhost.`.
 */
import type { DirectiveNode } from '../../model.js';
import type { DnsRecord } from '../../../model/dns.js';
import { isSubdomain } from '../names.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { rr, type BlockContext } from './common.js';

const zones = ['localhost.', '0.in-addr.arpa.', '127.in-addr.arpa.', '255.in-addr.arpa.'];

function soa(zone: string): DnsRecord {
  return rr(zone, 'SOA', 604800, `${zone} root.${zone === 'localhost.' ? 'localhost.' : zone} 1 604800 86400 2419200 604800`);
}

function loopback(req: Req, note: string): Outcome {
  const answers = req.type === 'A' ? [rr(req.name, 'A', 604800, '127.0.0.1')] : req.type === 'AAAA' ? [rr(req.name, 'AAAA', 604800, '::1')] : [];
  return { kind: 'answer', res: reply('NOERROR', { aa: true, answers, authority: answers.length ? [] : [soa('localhost.')] }), note };
}

/** Builds the local plugin. */
export function localPlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const d = directives[0]!;
  const prefix = (d.block ?? []).find((l) => l.name === 'localhost_prefix')?.args[0]?.text !== 'off';
  const serve = (req: Req): Outcome => {
    const zone = zones.find((z) => isSubdomain(req.name, z));
    if (!zone) {
      if (prefix && req.name.startsWith('localhost.')) return loopback(req, `local: ${req.name} starts with localhost.: loopback.`);
      return { kind: 'next' };
    }
    if (zone === 'localhost.') return loopback(req, `local: ${req.name} is localhost: loopback.`);
    if (req.name === '1.0.0.127.in-addr.arpa.' && req.type === 'PTR') {
      return { kind: 'answer', res: reply('NOERROR', { aa: true, answers: [rr(req.name, 'PTR', 604800, 'localhost.')] }), note: 'local: PTR 127.0.0.1 → localhost.' };
    }
    if (req.name === zone || req.name === '1.0.0.127.in-addr.arpa.') {
      return { kind: 'answer', res: reply('NOERROR', { aa: true, authority: [soa(zone)] }), note: `local: ${req.name}: NODATA.` };
    }
    return { kind: 'answer', res: reply('NXDOMAIN', { aa: true, authority: [soa(zone)] }), note: `local: ${req.name} in ${zone}: NXDOMAIN.` };
  };
  return [{ name: 'local', line: d.pos.line, serve }];
}
