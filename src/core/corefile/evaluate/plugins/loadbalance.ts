/** loadbalance (coredns plugin/loadbalance): shuffles A/AAAA/MX answers; never changes content. */
import type { DirectiveNode } from '../../model.js';
import type { DnsRecord } from '../../../model/dns.js';
import type { ChainContext, Outcome, PluginInstance, Res } from '../types.js';
import type { BlockContext } from './common.js';

/** Shuffles the address records among themselves with `random`, keeping other records in place. */
export function shuffleAddresses(answers: DnsRecord[], random: () => number): DnsRecord[] {
  const idx = answers.map((r, i) => (['A', 'AAAA', 'MX'].includes(r.type) ? i : -1)).filter((i) => i >= 0);
  if (idx.length < 2) return answers;
  const picked = idx.map((i) => answers[i]!);
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  const out = answers.slice();
  idx.forEach((pos, k) => { out[pos] = picked[k]!; });
  return out;
}

/** Builds loadbalance (last one wins). */
export function loadbalancePlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const d = directives[directives.length - 1]!;
  const serve = (_req: unknown, ctx: ChainContext): Outcome => ({
    kind: 'next',
    post: (res: Res, _r, c: ChainContext) => (c.random ? { ...res, answers: shuffleAddresses(res.answers, c.random) } : res),
    note: ctx.random ? undefined : `loadbalance (line ${d.pos.line}) shuffles the order of A/AAAA/MX records in each reply.`,
  });
  return [{ name: 'loadbalance', line: d.pos.line, serve }];
}
