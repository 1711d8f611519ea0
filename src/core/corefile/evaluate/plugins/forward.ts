/**
 * forward (coredns plugin/forward): one instance per `forward` directive, chained in Corefile order.
 * Matches names under FROM minus `except` subtrees; otherwise passes to the next plugin. The decision
 * to send upstream is returned as a plan: explain reports it, the server executes it.
 */
import ipaddr from 'ipaddr.js';
import { rcodeValue } from '../../../model/dns.js';
import type { DirectiveNode } from '../../model.js';
import { forwardPolicies, isOneOf } from '../../plugin-values.js';
import { fqdn, isSubdomain, matchZone } from '../names.js';
import type { ForwardPlan, Outcome, PluginInstance, Req, Upstream } from '../types.js';
import { normalizeZones, type BlockContext } from './common.js';

/** Result of reading a forward directive's TO list. */
export interface ForwardTargets {
  upstreams: Upstream[];
  /** Resolv.conf files whose nameservers are not known to the evaluator (e.g. the node's, not given). */
  unknown: string[];
  problems: string[];
  notes: string[];
}

/** Parses resolv.conf text the way miekg's ClientConfigFromReader does: every nameserver, port 53. */
export function resolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) out.push(f[1].replace(/%.*$/, ''));
  }
  return out;
}

/** Resolves the TO arguments of a forward directive into upstreams (dedup, max 15). */
export function forwardTargets(tos: readonly string[], ctx: BlockContext): ForwardTargets {
  const upstreams: Upstream[] = [];
  const unknown: string[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  const add = (ip: string, port: number, tls = false) => {
    if (!upstreams.some((u) => u.ip === ip && u.port === port)) upstreams.push({ ip, port, ...(tls ? { tls } : {}) });
  };
  if (tos.length > 15) problems.push(`more than 15 upstreams (${tos.length}): CoreDNS refuses to start`);
  for (const to of tos) {
    let t = to;
    let tls = false;
    let defPort = 53;
    if (t.startsWith('dns://')) t = t.slice(6);
    else if (t.startsWith('tls://')) { t = t.slice(6); tls = true; defPort = 853; }
    else if (t.startsWith('https://')) { t = t.slice(8); tls = true; defPort = 443; }
    else if (/^[a-z0-9]+:\/\//.test(t)) { problems.push(`'${to}' is not supported as a destination protocol in forward`); continue; }
    t = t.replace(/%[^:\]]*/, '');
    const v6port = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
    if (v6port && ipaddr.isValid(v6port[1]!)) { add(v6port[1]!, Number(v6port[2] ?? defPort), tls); continue; }
    if (ipaddr.isValid(t)) { add(ipaddr.parse(t).toString(), defPort, tls); continue; }
    const hp = /^([^:]+):(\d+)$/.exec(t);
    if (hp && ipaddr.IPv4.isValidFourPartDecimal(hp[1]!)) { add(hp[1]!, Number(hp[2]), tls); continue; }
    if (t.startsWith('/') || t.startsWith('.')) {
      let servers: string[] | undefined;
      if (t === '/etc/resolv.conf' && ctx.world.nodeResolvers) {
        servers = ctx.world.nodeResolvers;
        notes.push(`/etc/resolv.conf is the node's resolv.conf (CoreDNS runs with dnsPolicy Default): ${servers.join(', ') || 'no nameservers'}`);
      } else {
        const text = ctx.world.files?.read(t);
        if (typeof text === 'string') {
          servers = resolvConfNameservers(text);
          notes.push(`${t} lists ${servers.join(', ') || 'no nameservers'}`);
        }
      }
      if (!servers) { unknown.push(t); continue; }
      if (servers.length === 0) problems.push(`${t}: no valid upstream addresses found`);
      for (const s of servers) if (ipaddr.isValid(s)) add(ipaddr.parse(s).toString(), 53);
      continue;
    }
    problems.push(`'${to}' is not an IP address or file`);
  }
  return { upstreams, unknown, problems, notes };
}

/** A Go duration like 500ms, 2s, 1m (the forms Corefiles use), in ms. */
export function durationMs(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[m[2]!]!;
}

/** Builds one forward instance per directive. */
export function forwardPlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  return directives.map((d, i) => {
    const args = d.args.map((t) => t.text);
    const from = normalizeZones(args.slice(0, 1))[0] ?? '.';
    const lines = d.block ?? [];
    const except = normalizeZones(lines.filter((l) => l.name === 'except').flatMap((l) => l.args.map((t) => t.text)));
    const targets = forwardTargets(args.slice(1), ctx);
    const opt = (k: string) => lines.find((l) => l.name === k);
    const policyText = opt('policy')?.args[0]?.text ?? 'random';
    const policy = isOneOf(forwardPolicies, policyText) ? policyText : 'random';
    const maxFailsText = opt('max_fails')?.args[0]?.text;
    const nextRcodes = (opt('next')?.args ?? []).map((t) => t.text.toUpperCase()).filter((r) => rcodeValue(r) !== undefined);
    const plan: ForwardPlan = {
      upstreams: targets.upstreams,
      unknownSources: targets.unknown,
      policy,
      forceTcp: !!opt('force_tcp'),
      preferUdp: !!opt('prefer_udp'),
      maxFails: maxFailsText !== undefined && /^\d+$/.test(maxFailsText) ? Number(maxFailsText) : 2,
      healthCheckMs: durationMs(opt('health_check')?.args[0]?.text) ?? 500,
      nextRcodes,
      nextOnNodata: !!opt('next_on_nodata'),
      failover: (opt('failover')?.args ?? []).map((t) => t.text.toUpperCase()).filter((r) => rcodeValue(r) !== undefined),
      maxConcurrent: /^\d+$/.test(opt('max_concurrent')?.args[0]?.text ?? '') ? Number(opt('max_concurrent')!.args[0]!.text) : 0,
      failfast: !!opt('failfast_all_unhealthy_upstreams'),
      id: `${ctx.block.index}:${i}`,
    };
    const label = `forward ${args.join(' ')} (line ${d.pos.line})`;
    const hasLoop = ctx.block.directives.some((x) => x.name === 'loop');
    // The target description does not depend on the query: build it once.
    const loopback = plan.upstreams.filter((u) => ipaddr.parse(u.ip).range() === 'loopback');
    const loopNote = loopback.length
      ? [`${loopback.map((u) => u.ip).join(', ')} is a loopback address: inside the CoreDNS pod that is CoreDNS itself${hasLoop ? ', so the loop plugin detects the forwarding loop and CoreDNS exits (CrashLoopBackOff)' : ', a forwarding loop'}`]
      : [];
    const extra = [...targets.notes, ...targets.problems, ...loopNote].join('; ');
    const targetText = `forwarded to ${plan.upstreams.map((u) => `${u.ip}:${u.port}`).join(', ')} with policy ${policy}${extra ? ` (${extra})` : ''}.`;
    const serve = (req: Req): Outcome => {
      const name = req.name;
      if (!isSubdomain(name, from)) return { kind: 'next', note: `${label}: ${name} is not under ${from}.` };
      if (name !== fqdn(from) && matchZone(except, name) !== '') {
        return { kind: 'next', note: `${label}: ${name} is under except ${matchZone(except, name)}.` };
      }
      if (plan.upstreams.length === 0 && plan.unknownSources.length > 0) {
        return { kind: 'forward', plan, note: `${label} takes ${name}: forwarded to the nameservers of ${plan.unknownSources.join(', ')}${plan.unknownSources.includes('/etc/resolv.conf') ? " (the CoreDNS node's resolv.conf; its nameservers were not given)" : ' (contents not given)'} with policy ${policy}.` };
      }
      if (plan.upstreams.length === 0) {
        return { kind: 'forward', plan, note: `${label}: no usable upstream (${targets.problems.join('; ') || 'empty list'}).` };
      }
      return { kind: 'forward', plan, note: `${label} takes ${name}: ${targetText}` };
    };
    return { name: 'forward', line: d.pos.line, serve };
  });
}
