/** acl: `acl [ZONES...] { allow|block|filter|drop [type QTYPE...|*] [net CIDR|IP...|*] }` (plugin/acl/setup.go). */
import type { PluginValidator } from '../context.js';
import { isCidr } from '../go.js';
import { dnsTypes } from './template.js';

const actions = new Set(['allow', 'block', 'filter', 'drop']);
const isSection = (t: string) => t.toLowerCase() === 'type' || t.toLowerCase() === 'net';

/** acl's normalize: a bare IP becomes a host CIDR. */
export function aclNet(raw: string): string {
  if (raw.includes('/')) return raw;
  return raw.includes(':') ? `${raw}/128` : `${raw}/32`;
}

export const validateAcl: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    c.remainingArgs();
    while (c.nextBlock()) {
      if (!actions.has(c.val().toLowerCase())) {
        throw c.err(`unexpected token "${c.val()}"; expect 'allow', 'block', 'filter' or 'drop'`);
      }
      let rest = c.remainingArgs();
      while (rest.length > 0) {
        if (!isSection(rest[0])) throw c.err(`unexpected token "${rest[0]}"; expect 'type | net'`);
        const section = rest[0].toLowerCase();
        let i = 1;
        const tokens: string[] = [];
        for (; i < rest.length && !isSection(rest[i]); i++) tokens.push(rest[i]);
        rest = rest.slice(i);
        if (tokens.length === 0) throw c.err(`no token specified in "${section}" section`);
        for (const t of tokens) {
          if (t === '*') break;
          if (section === 'type' && !dnsTypes.has(t)) throw c.err(`unexpected token "${t}"; expect legal QTYPE`);
          if (section === 'net' && !isCidr(aclNet(t))) throw c.err(`illegal CIDR notation "${aclNet(t)}"`);
        }
      }
    }
  }
};
