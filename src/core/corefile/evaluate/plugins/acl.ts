/**
 * acl (coredns plugin/acl): stanzas in Corefile order; the first stanza whose zones match and which has a
 * matching policy decides: block → REFUSED (+EDE Blocked), filter → NOERROR empty (+EDE Filtered), drop →
 * no reply, allow → stop checking and go on.
 */
import ipaddr from 'ipaddr.js';
import type { DirectiveNode } from '../../model.js';
import { matchZone } from '../names.js';
import { inCidr } from '../../view-expr/index.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { originsOrBlock, type BlockContext } from './common.js';

interface Policy { action: string; types: string[] | null; nets: string[] | null; text: string }
interface AclRule { zones: string[]; policies: Policy[]; line: number }

function netMatches(nets: string[] | null, ip: string): boolean {
  if (nets === null) return true;
  return nets.some((n) => {
    try {
      return n.includes('/') ? inCidr(ip, n) : ipaddr.isValid(n) && ipaddr.isValid(ip) && ipaddr.parse(n).toString() === ipaddr.parse(ip).toString();
    } catch {
      return false;
    }
  });
}

/** Builds the acl plugin (all acl directives of the block). */
export function aclPlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  const rules: AclRule[] = directives.map((d) => ({
    zones: originsOrBlock(d.args.map((t) => t.text), ctx),
    line: d.pos.line,
    policies: (d.block ?? []).map((l) => {
      const a = l.args.map((t) => t.text);
      let types: string[] | null = null;
      let nets: string[] | null = null;
      let cur: string[] | null = null;
      for (const t of a) {
        if (t === 'type') { types = []; cur = types; continue; }
        if (t === 'net') { nets = []; cur = nets; continue; }
        cur?.push(t);
      }
      if (types?.includes('*')) types = null;
      if (nets?.includes('*')) nets = null;
      return { action: l.name, types: types?.map((x) => x.toUpperCase()) ?? null, nets, text: [l.name, ...a].join(' ') };
    }),
  }));
  const serve = (req: Req): Outcome => {
    for (const rule of rules) {
      if (matchZone(rule.zones, req.name) === '') continue;
      const p = rule.policies.find((x) => (x.types === null || x.types.includes(req.type)) && netMatches(x.nets, req.client));
      if (!p) continue;
      const why = `acl (line ${rule.line}) policy \`${p.text}\` matches ${req.type} ${req.name} from ${req.client}`;
      if (p.action === 'allow') return { kind: 'next', note: `${why}: allowed.` };
      if (p.action === 'block') return { kind: 'answer', res: reply('REFUSED', { ede: 'Blocked' }), note: `${why}: REFUSED (EDE Blocked).` };
      if (p.action === 'filter') return { kind: 'answer', res: reply('NOERROR', { ede: 'Filtered' }), note: `${why}: empty NOERROR (EDE Filtered).` };
      if (p.action === 'drop') return { kind: 'drop', note: `${why}: dropped, no reply.` };
    }
    return { kind: 'next' };
  };
  return [{ name: 'acl', line: directives[0]!.pos.line, serve }];
}
