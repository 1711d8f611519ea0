/**
 * template (coredns plugin/template): stanzas tried in Corefile order. Class/type/zone mismatch → next
 * stanza; regex (and expr) match → reply with the Go-templated RRs and rcode; zone matched but no regex
 * → SERVFAIL unless `fallthrough` covers the name. A CNAME answer for A/AAAA is chased through the listener.
 */
import type { DirectiveNode } from '../../model.js';
import type { DnsRecord } from '../../../model/dns.js';
import { compileGoRegex } from '../go-regex.js';
import { compileViewExpr, evaluateViewExpr, joinExprTokens, type CompiledViewExpr } from '../../view-expr/index.js';
import { viewEnv } from '../view-filter.js';
import { executeGoTemplate, type TemplateData } from '../go-template.js';
import { matchZone } from '../names.js';
import { parseZoneRr } from '../zone-rr.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { fallsThrough, normalizeZones, parseFall, type BlockContext, type Fall } from './common.js';

interface Stanza {
  line: number;
  cls: string;
  type: string;
  zones: string[];
  regexes: { re: RegExp; groups: string[]; src: string }[];
  badRegex: string[];
  answer: string[];
  additional: string[];
  authority: string[];
  rcode: string;
  fall: Fall;
  exprs: CompiledViewExpr[];
}

function parseStanza(d: DirectiveNode, ctx: BlockContext): Stanza {
  const args = d.args.map((t) => t.text);
  const lines = d.block ?? [];
  const s: Stanza = {
    line: d.pos.line,
    cls: (args[0] ?? 'ANY').toUpperCase(),
    type: (args[1] ?? 'ANY').toUpperCase(),
    zones: args.length > 2 ? normalizeZones(args.slice(2)) : [...ctx.zones],
    regexes: [], badRegex: [], answer: [], additional: [], authority: [], rcode: 'NOERROR',
    fall: parseFall(lines), exprs: [],
  };
  for (const l of lines) {
    const a = l.args.map((t) => t.text);
    if (l.name === 'match') {
      for (const src of a) {
        const c = compileGoRegex(src);
        if (c.ok) s.regexes.push({ re: c.re, groups: c.groupNames, src });
        else s.badRegex.push(`${src}: ${c.error}`);
      }
    } else if (l.name === 'answer' || l.name === 'additional' || l.name === 'authority') {
      s[l.name].push(a.join(' '));
    } else if (l.name === 'rcode') {
      s.rcode = (a[0] ?? 'NOERROR').toUpperCase();
    } else if (l.name === 'expr') {
      s.exprs.push(compileViewExpr(joinExprTokens(a)));
    }
  }
  if (s.regexes.length === 0 && s.badRegex.length === 0) s.regexes.push({ re: /.*/, groups: [], src: '.*' });
  return s;
}

/** Builds one template instance per directive (stanzas chain in Corefile order). */
export function templatePlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  return directives.map((d) => {
    const s = parseStanza(d, ctx);
    const label = `template ${s.cls} ${s.type} ${s.zones.join(' ')} (line ${s.line})`;
    const serve = (req: Req): Outcome => {
      const zone = matchZone(s.zones, req.name);
      if (zone === '') return { kind: 'next', note: `${label}: ${req.name} is outside its zones.` };
      if ((s.cls !== 'ANY' && s.cls !== req.class) || (s.type !== 'ANY' && s.type !== req.type)) {
        return { kind: 'next', note: `${label}: class/type ${req.class} ${req.type} does not match.` };
      }
      let m: RegExpExecArray | null = null;
      let hit: Stanza['regexes'][number] | undefined;
      for (const r of s.regexes) { m = r.re.exec(req.name); if (m) { hit = r; break; } }
      const env = s.exprs.length ? viewEnv(req, ctx.world) : null;
      const failedExpr = env ? s.exprs.find((e) => !evaluateViewExpr(e, env).matched) : undefined;
      if (!m || !hit || failedExpr) {
        const why = failedExpr ? `expr \`${failedExpr.source}\` is not true` : 'no match regex matches';
        if (fallsThrough(s.fall, req.name)) return { kind: 'next', note: `${label}: ${why} for ${req.name}; fallthrough passes it on.` };
        return { kind: 'answer', res: reply('SERVFAIL', { written: false }), note: `${label}: ${req.name} is in its zone but ${why} and there is no fallthrough: SERVFAIL.` };
      }
      const data: TemplateData = {
        Name: req.name, Type: req.type, Class: req.class, Zone: zone, Remote: req.client,
        Match: [...m].map((x) => x ?? ''), Group: { ...(m.groups ?? {}) } as Record<string, string>,
      };
      for (let i = 0; i < m.length; i++) data.Group[String(i)] = m[i] ?? '';
      const build = (tpls: string[]): DnsRecord[] | string => {
        const out: DnsRecord[] = [];
        for (const t of tpls) {
          const x = executeGoTemplate(t, data);
          if (!x.ok) return x.error;
          const p = parseZoneRr(x.text);
          if (!p.ok) return p.error;
          out.push(p.rr);
        }
        return out;
      };
      const answers = build(s.answer);
      const authority = build(s.authority);
      const additional = build(s.additional);
      for (const part of [answers, authority, additional]) {
        if (typeof part === 'string') return { kind: 'answer', res: reply('SERVFAIL', { written: false }), note: `${label}: template RR failed at query time (${part}): SERVFAIL.` };
      }
      const res = reply(s.rcode, { aa: true, answers: answers as DnsRecord[], authority: authority as DnsRecord[], additional: additional as DnsRecord[] });
      if (s.rcode === 'SERVFAIL') return { kind: 'answer', res: { ...res, written: false }, note: `${label}: matched ${hit.src}; rcode SERVFAIL.` };
      const first = (answers as DnsRecord[])[0];
      const chase = first && first.type === 'CNAME' && (req.type === 'A' || req.type === 'AAAA') ? { name: first.data, type: req.type } : undefined;
      return {
        kind: 'answer',
        res,
        note: `${label}: ${req.name} matches ${hit.src}: ${s.rcode}${(answers as DnsRecord[]).length ? ` with ${(answers as DnsRecord[]).map((a) => `${a.type} ${a.data}`).join(', ')}` : ''}.`,
        ...(chase ? { chase } : {}),
      };
    };
    return { name: 'template', line: s.line, serve };
  });
}
