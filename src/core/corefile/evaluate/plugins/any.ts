/** any (coredns plugin/any): ANY queries get an RFC 8482 HINFO. */
import type { DirectiveNode } from '../../model.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { rr, type BlockContext } from './common.js';

/** Builds any. */
export function anyPlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const serve = (req: Req): Outcome =>
    req.type === 'ANY'
      ? { kind: 'answer', res: reply('NOERROR', { aa: true, answers: [rr(req.name, 'HINFO', 8482, '"ANY obsoleted" "See RFC 8482"')] }), note: 'any: ANY answered with HINFO (RFC 8482).' }
      : { kind: 'next' };
  return [{ name: 'any', line: directives[0]!.pos.line, serve }];
}
