/** The `view` plugin as a server-block filter: all `expr` lines must evaluate to true. */
import type { DirectiveNode, ServerBlockNode } from '../model.js';
import { compileViewExpr, evaluateViewExpr, joinExprTokens, type CompiledViewExpr, type ViewEnv } from '../view-expr/index.js';
import type { EvalWorld, Req } from './types.js';
import { matchZone } from './names.js';
import { normalizeZones } from './plugins/common.js';
import { parseKubeName } from './plugins/kubernetes-records.js';

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

/**
 * Metadata the kubernetes plugin publishes when the block loads `metadata` (plugin/kubernetes/metadata.go):
 * client-namespace / client-pod-name (pods verified, client IP is a pod) and the parts of a cluster name.
 */
export function kubernetesMetadata(block: ServerBlockNode, req: Req, world: EvalWorld): Record<string, string> {
  if (!block.directives.some((d) => d.name === 'metadata')) return {};
  const k = block.directives.find((d) => d.name === 'kubernetes');
  if (!k) return {};
  const out: Record<string, string> = {};
  const verified = (k.block ?? []).some((l) => l.name === 'pods' && l.args[0]?.text === 'verified');
  const pod = verified ? world.cluster?.pods.find((p) => p.ip === req.client) : undefined;
  if (pod) {
    out['kubernetes/client-namespace'] = pod.namespace;
    out['kubernetes/client-pod-name'] = pod.name;
  }
  const zones = k.args.length ? normalizeZones(k.args.map((t) => t.text)) : [...new Set(block.addresses.map((a) => a.zone))];
  const zone = matchZone(zones, req.name);
  const r = zone ? parseKubeName(req.name, zone) : 'invalid';
  if (r !== 'invalid' && r.podOrSvc) {
    Object.assign(out, {
      'kubernetes/kind': r.podOrSvc, 'kubernetes/namespace': r.namespace, 'kubernetes/service': r.service,
      'kubernetes/endpoint': r.endpoint, 'kubernetes/port-name': r.port, 'kubernetes/protocol': r.protocol,
    });
  }
  return out;
}

/** The expr environment of a request (metadata: the world's labels plus what the block's plugins publish). */
export function viewEnv(req: Req, world: EvalWorld, block?: ServerBlockNode): ViewEnv {
  return {
    client_ip: req.client, name: req.name, type: req.type, class: req.class, proto: req.proto, size: req.size,
    port: String(req.clientPort), id: req.id, opcode: req.opcode, do: req.do, bufsize: req.bufsize,
    server_ip: req.serverIp, server_port: String(req.serverPort),
    metadata: { ...(world.metadata ?? {}), ...(block ? kubernetesMetadata(block, req, world) : {}) },
  };
}

/** Whether the view passes, with a human reason. */
export function passesView(view: ViewDef, req: Req, world: EvalWorld, block?: ServerBlockNode): { matched: boolean; reason: string } {
  const env = viewEnv(req, world, block);
  if (view.exprs.length === 0) return { matched: true, reason: 'view has no expr lines' };
  for (const e of view.exprs) {
    const r = evaluateViewExpr(e, env);
    if (!r.matched) {
      return { matched: false, reason: r.error ? `\`${e.source}\`: ${r.error}` : `\`${e.source}\` is false for client ${req.client}` };
    }
  }
  return { matched: true, reason: `${view.exprs.map((e) => `\`${e.source}\``).join(' and ')} true for client ${req.client}` };
}
