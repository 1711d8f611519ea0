/**
 * rewrite (coredns plugin/rewrite): rules in Corefile order, `stop` (default) after the first rule that
 * matched, `continue` to keep going. name rules normalise FROM/TO (lower-case, trailing dot) except
 * regex; the question is always restored and answers are mapped back (exact always, others with
 * `answer auto` / `answer name` / `answer value`). Rewriting never re-selects a server block.
 */
import type { DirectiveNode } from '../../model.js';
import { rewriteNameMatchTypes } from '../../plugin-values.js';
import type { DnsRecord } from '../../../model/dns.js';
import { compileGoRegex } from '../go-regex.js';
import { fqdn } from '../names.js';
import type { Outcome, PluginInstance, PostHook, Req, Res } from '../types.js';
import type { BlockContext } from './common.js';

interface AnswerRule { kind: 'auto' | 'name' | 'value'; re?: RegExp; to?: string }

interface Applied { req: Req; restore?: (name: string) => string; answers: AnswerRule[]; respond?: (res: Res) => Res }

interface Rule {
  text: string;
  mode: 'stop' | 'continue';
  apply(req: Req): Applied | null;
}

/** A name matcher (`exact` default, prefix/suffix/substring normalised, regex unanchored). */
function nameMatcher(args: string[]): { test: (name: string) => boolean; rest: string[] } | null {
  const kind = rewriteNameMatchTypes.includes(args[0] ?? '') ? args[0]! : 'exact';
  const rest = rewriteNameMatchTypes.includes(args[0] ?? '') ? args.slice(1) : args;
  if (rest.length < 2) return null;
  if (kind === 'regex') {
    const c = compileGoRegex(rest[0]!);
    return c.ok ? { test: (n) => c.re.test(n), rest: rest.slice(1) } : null;
  }
  const v = fqdn(rest[0]!);
  const test = kind === 'exact' ? (n: string) => n === v : kind === 'prefix' ? (n: string) => n.startsWith(v) : kind === 'suffix' ? (n: string) => n.endsWith(v) : (n: string) => n.includes(v);
  return { test, rest: rest.slice(1) };
}

/** `rewrite ttl [match] NAME TTL|MIN-MAX`: answer TTLs set or clamped. */
function ttlRule(args: string[], mode: 'stop' | 'continue', text: string): Rule | null {
  const m = nameMatcher(args);
  const r = m ? /^(\d*)(?:-(\d*))?$/.exec(m.rest[0] ?? '') : null;
  if (!m || !r || (r[1] === '' && (r[2] ?? '') === '')) return null;
  const fixed = r[2] === undefined;
  const lo = r[1] === '' ? 0 : Number(r[1]);
  const hi = fixed ? lo : r[2] === '' ? Infinity : Number(r[2]);
  const set = (t: number) => (fixed ? lo : Math.min(Math.max(t, lo), hi));
  return {
    text, mode,
    apply: (req) => (m.test(req.name) ? { req, answers: [], respond: (res) => ({ ...res, answers: res.answers.map((a) => ({ ...a, ttl: set(a.ttl) })) }) } : null),
  };
}

/** `rewrite rcode [match] NAME FROM TO`: the reply's rcode changed. */
function rcodeRule(args: string[], mode: 'stop' | 'continue', text: string): Rule | null {
  const m = nameMatcher(args);
  if (!m || m.rest.length < 2) return null;
  const from = m.rest[0]!.toUpperCase();
  const to = m.rest[1]!.toUpperCase();
  return { text, mode, apply: (req) => (m.test(req.name) ? { req, answers: [], respond: (res) => (res.rcode === from ? { ...res, rcode: to } : res) } : null) };
}

const dnsName = /^([a-z0-9_*-]([a-z0-9_*-]{0,62})?\.)+$|^\.$/i;

function substitute(to: string, m: RegExpExecArray): string {
  return to.replace(/\{(\d+)\}/g, (_, n: string) => m[Number(n)] ?? '');
}

function nameRule(args: string[], mode: 'stop' | 'continue', answers: AnswerRule[], text: string): Rule | null {
  let kind = 'exact';
  let rest = args;
  if (rewriteNameMatchTypes.includes(args[0] ?? '') && args.length >= 3) { kind = args[0]!; rest = args.slice(1); }
  if (rest.length < 2) return null;
  const fromRaw = rest[0]!;
  const toRaw = rest[1]!;
  if (kind === 'regex') {
    const c = compileGoRegex(fromRaw);
    if (!c.ok) return null;
    const to = fqdn(toRaw);
    return {
      text, mode,
      apply(req) {
        const m = c.re.exec(req.name);
        if (!m) return null;
        const nn = fqdn(substitute(to, m));
        const hasAuto = answers.some((a) => a.kind === 'auto');
        return { req: { ...req, name: nn }, answers, restore: hasAuto ? (n) => (n === nn ? req.name : n) : undefined };
      },
    };
  }
  const from = fqdn(fromRaw);
  const to = fqdn(toRaw);
  return {
    text, mode,
    apply(req) {
      const q = req.name;
      let nn: string | null = null;
      if (kind === 'exact' && q === from) nn = to;
      else if (kind === 'prefix' && q.startsWith(from)) nn = to + q.slice(from.length);
      else if (kind === 'suffix' && q.endsWith(from)) nn = q.slice(0, q.length - from.length) + to;
      else if (kind === 'substring' && q.includes(from)) nn = q.replace(from, to);
      if (nn === null) return null;
      const nnFinal = nn;
      const auto = kind === 'exact' || answers.some((a) => a.kind === 'auto');
      const restore = !auto
        ? undefined
        : kind === 'suffix'
          ? (n: string) => (n.endsWith(to) ? n.slice(0, n.length - to.length) + from : n)
          : (n: string) => (n === nnFinal ? q : n);
      return { req: { ...req, name: nnFinal }, answers, restore };
    },
  };
}

function parseRules(directives: DirectiveNode[]): { rules: Rule[]; unmodelled: string[] } {
  const rules: Rule[] = [];
  const unmodelled: string[] = [];
  for (const d of directives) {
    let args = d.args.map((t) => t.text);
    let mode: 'stop' | 'continue' = 'stop';
    if (args[0] === 'stop' || args[0] === 'continue') { mode = args[0]; args = args.slice(1); }
    const lines: string[][] = d.block ? d.block.map((l) => [l.name, ...l.args.map((t) => t.text)]) : [args];
    const main = lines.filter((l) => l[0] !== 'answer');
    const answerLines = d.block ? lines.filter((l) => l[0] === 'answer') : [];
    // Inline form: `rewrite name A B answer auto` / `answer name RE TO`.
    const flat = main.flatMap((l) => {
      const idx = l.indexOf('answer');
      if (idx > 0) { answerLines.push(l.slice(idx)); return [l.slice(0, idx)]; }
      return [l];
    });
    const answers: AnswerRule[] = [];
    for (const a of answerLines) {
      if (a[1] === 'auto') answers.push({ kind: 'auto' });
      else if ((a[1] === 'name' || a[1] === 'value') && a[2] && a[3]) {
        const c = compileGoRegex(a[2]);
        if (c.ok) answers.push({ kind: a[1], re: c.re, to: a[3] });
      }
    }
    for (const l of flat) {
      const text = `rewrite ${l.join(' ')} (line ${d.pos.line})`;
      if (l[0] === 'name') {
        const r = nameRule(l.slice(1), mode, answers, text);
        if (r) rules.push(r);
        else unmodelled.push(`${text}: not understood`);
      } else if (l[0] === 'ttl' || l[0] === 'rcode') {
        const r = (l[0] === 'ttl' ? ttlRule : rcodeRule)(l.slice(1), mode, text);
        if (r) rules.push(r);
        else unmodelled.push(`${text}: not understood`);
      } else if (l[0] === 'type' && l[1] && l[2]) {
        const from = l[1].toUpperCase();
        const to = l[2].toUpperCase();
        rules.push({ text, mode, apply: (req) => (req.type === from ? { req: { ...req, type: to }, answers: [], restore: undefined } : null) });
      } else if (l[0] === 'class' && l[1] && l[2]) {
        const from = l[1].toUpperCase();
        const to = l[2].toUpperCase();
        rules.push({ text, mode, apply: (req) => (req.class === from ? { req: { ...req, class: to }, answers: [] } : null) });
      } else {
        unmodelled.push(`${text}: ${l[0]} rules are not modelled (treated as no-ops)`);
      }
    }
  }
  return { rules, unmodelled };
}

function mapAnswer(r: DnsRecord, restore: ((n: string) => string) | undefined, answers: AnswerRule[]): DnsRecord {
  let out = restore ? { ...r, name: restore(r.name) } : r;
  for (const a of answers) {
    if (a.kind === 'name' && a.re) {
      const m = a.re.exec(out.name);
      if (m) out = { ...out, name: fqdn(substitute(a.to!, m)) };
    }
    if (a.kind === 'value' && a.re && ['CNAME', 'PTR', 'NS', 'DNAME'].includes(out.type)) {
      const m = a.re.exec(out.data);
      if (m) out = { ...out, data: fqdn(substitute(a.to!, m)) };
    }
  }
  return out;
}

/** Builds the rewrite plugin (all rewrite directives of the block, in Corefile order). */
export function rewritePlugin(directives: DirectiveNode[], _ctx: BlockContext): PluginInstance[] {
  const { rules, unmodelled } = parseRules(directives);
  const serve = (req: Req): Outcome => {
    let cur = req;
    const applied: (Applied & { text: string })[] = [];
    for (const rule of rules) {
      const r = rule.apply(cur);
      if (!r) continue;
      cur = r.req;
      applied.push({ ...r, text: rule.text });
      if (rule.mode === 'stop') break;
    }
    const extra = unmodelled.length ? ` (${unmodelled.join('; ')})` : '';
    if (applied.length === 0) return { kind: 'next', note: rules.length ? `rewrite: no rule matched ${req.name}${extra}.` : `rewrite: ${extra}` };
    if (cur.name !== req.name && !dnsName.test(cur.name)) {
      return { kind: 'answer', res: { rcode: 'SERVFAIL', aa: false, answers: [], authority: [], additional: [], written: false }, note: `rewrite produced ${cur.name}, not a valid domain name: SERVFAIL.` };
    }
    const post: PostHook = (res: Res): Res => {
      let out = res;
      for (const a of [...applied].reverse()) {
        out = { ...out, answers: out.answers.map((x) => mapAnswer(x, a.restore, a.answers)) };
        if (a.respond) out = a.respond(out);
      }
      return out;
    };
    return {
      kind: 'next',
      req: cur,
      post,
      note: cur.name === req.name && cur.type === req.type
        ? `${applied.map((a) => a.text).join(', ')} will rewrite the reply to ${req.name}${extra}.`
        : `${applied.map((a) => a.text).join(', ')} rewrote ${req.name} ${req.type} to ${cur.name} ${cur.type}; the server block chosen for ${req.name} stays, the question is restored in the reply${extra}.`,
    };
  };
  return [{ name: 'rewrite', line: directives[0]!.pos.line, serve }];
}
