/** The `view` plugin as a server-block filter: all `expr` lines must evaluate to true. */
import type { DirectiveNode, ServerBlockNode } from '../model.js';
import { compileViewExpr, evaluateViewExpr, joinExprTokens, type CompiledViewExpr, type ViewEnv } from '../view-expr/index.js';
import type { EvalWorld, Req } from './types.js';

/** A block's view: its name and compiled expressions. */
export interface ViewDef {
  name: string;
  exprs: CompiledViewExpr[];
  line: number;
}

const cache = new WeakMap<ServerBlockNode, ViewDef | null>();

/** The view of a block, or null for an unfiltered block. */
export function viewOf(block: ServerBlockNode): ViewDef | null {
  const hit = cache.get(block);
  if (hit !== undefined) return hit;
  const d = block.directives.find((x: DirectiveNode) => x.name === 'view');
  const def = d
    ? {
        name: d.args[0]?.text ?? '',
        line: d.pos.line,
        exprs: (d.block ?? []).filter((l) => l.name === 'expr').map((l) => compileViewExpr(joinExprTokens(l.args.map((t) => t.text)))),
      }
    : null;
  cache.set(block, def);
  return def;
}

/** The expr environment of a request. */
export function viewEnv(req: Req, world: EvalWorld): ViewEnv {
  return {
    client_ip: req.client, name: req.name, type: req.type, class: req.class, proto: req.proto, size: req.size,
    port: String(req.clientPort), id: req.id, opcode: req.opcode, do: req.do, bufsize: req.bufsize,
    server_ip: req.serverIp, server_port: String(req.serverPort), metadata: world.metadata ?? {},
  };
}

/** Whether the view passes, with a human reason. */
export function passesView(view: ViewDef, req: Req, world: EvalWorld): { matched: boolean; reason: string } {
  const env = viewEnv(req, world);
  if (view.exprs.length === 0) return { matched: true, reason: 'view has no expr lines' };
  for (const e of view.exprs) {
    const r = evaluateViewExpr(e, env);
    if (!r.matched) {
      return { matched: false, reason: r.error ? `\`${e.source}\`: ${r.error}` : `\`${e.source}\` is false for client ${req.client}` };
    }
  }
  return { matched: true, reason: `${view.exprs.map((e) => `\`${e.source}\``).join(' and ')} true for client ${req.client}` };
}
