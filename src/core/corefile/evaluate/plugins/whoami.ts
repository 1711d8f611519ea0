/** whoami (coredns plugin/whoami): answers everything with the client's address and port in the additional section. */
import type { DirectiveNode } from '../../model.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { rr, type BlockContext } from './common.js';

/** Builds whoami. */
export function whoamiPlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const serve = (req: Req): Outcome => {
    const fam = req.client.includes(':') ? 'AAAA' : 'A';
    const additional = [rr(req.name, fam, 0, req.client), rr(`_${req.proto}.${req.name}`, 'SRV', 0, `0 0 ${req.clientPort} .`)];
    return { kind: 'answer', res: reply('NOERROR', { aa: true, additional }), note: `whoami answers every query with the client address ${req.client}:${req.clientPort}.` };
  };
  return [{ name: 'whoami', line: directives[0]!.pos.line, serve }];
}
