/** minimal (coredns plugin/minimal): NOERROR replies with answers lose their authority and additional sections. */
import type { DirectiveNode } from '../../model.js';
import type { Outcome, PluginInstance, Res } from '../types.js';
import type { BlockContext } from './common.js';

/** Builds minimal. */
export function minimalPlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const serve = (): Outcome => ({
    kind: 'next',
    post: (res: Res) => (res.rcode === 'NOERROR' && res.answers.length > 0 ? { ...res, authority: [], additional: [] } : res),
  });
  return [{ name: 'minimal', line: directives[0]!.pos.line, serve }];
}
