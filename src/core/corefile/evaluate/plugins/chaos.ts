/** chaos (coredns plugin/chaos): CH TXT version.bind / version.server / authors.bind / hostname.bind / id.server. */
import type { DirectiveNode } from '../../model.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { rr, type BlockContext } from './common.js';

/** Builds chaos; `chaos [VERSION] [AUTHORS...]`. */
export function chaosPlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const d = directives[0]!;
  const version = d.args[0]?.text ?? 'CoreDNS-1.14.7';
  const authors = d.args.slice(1).map((t) => t.text);
  const serve = (req: Req): Outcome => {
    if (req.class !== 'CH' || req.type !== 'TXT') return { kind: 'next' };
    const texts: Record<string, string[]> = {
      'version.bind.': [version], 'version.server.': [version], 'authors.bind.': authors,
      'hostname.bind.': ['coredns'], 'id.server.': ['coredns'],
    };
    const t = texts[req.name];
    if (!t) return { kind: 'next' };
    return { kind: 'answer', res: reply('NOERROR', { aa: true, answers: t.map((x) => rr(req.name, 'TXT', 0, x)) }), note: `chaos answers ${req.name} CH TXT.` };
  };
  return [{ name: 'chaos', line: d.pos.line, serve }];
}
