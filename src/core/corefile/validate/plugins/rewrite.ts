/**
 * rewrite: each occurrence is one rule, `rewrite [continue|stop] FIELD ARGS... [answer …]`, or the
 * block form whose tokens are all appended to the arguments (plugin/rewrite/setup.go, rewrite.go, name.go).
 * name/class/type rules are fully checked; ttl/rcode/cname/edns0 rules have their argument counts
 * and enumerations checked.
 */
import { normalizeName } from '../../domain-name.js';
import { rewriteNameMatchTypes } from '../../plugin-values.js';
import type { PluginValidator } from '../context.js';
import { regexpError, regexpNumSubexp } from '../go.js';
import { rcodeNames } from './rcodes.js';

class RuleError extends Error {}
const fail = (m: string): never => {
  throw new RuleError(m);
};

export const validateRewrite: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    let args = c.remainingArgs();
    if (args.length < 2) {
      while (c.nextBlock()) args = [...args, c.val()];
    }
    try {
      newRule(args);
    } catch (e) {
      if (e instanceof RuleError) throw c.err(e.message);
      throw e;
    }
  }
};

const classes = new Set(['IN', 'CH', 'CHAOS', 'HS', 'NONE', 'ANY', 'CS', 'CSNET']);
const typeName = /^(A|AAAA|NS|CNAME|SOA|PTR|MX|TXT|SRV|NAPTR|DS|DNSKEY|RRSIG|NSEC|NSEC3|CAA|HTTPS|SVCB|ANY|AXFR|IXFR|HINFO|SPF|TLSA|SSHFP|DNAME|OPT|URI|LOC|CERT|TYPE\d+)$/i;

function newRule(args: string[]): void {
  if (args.length === 0) fail('no rule type specified for rewrite');
  const arg0 = args[0].toLowerCase();
  let ruleType: string;
  let expect: number;
  let start: number;
  if (arg0 === 'continue' || arg0 === 'stop') {
    if (args.length < 2) fail(`${arg0} rule must begin with a rule type`);
    ruleType = args[1].toLowerCase();
    expect = args.length - 1;
    start = 2;
  } else {
    ruleType = arg0;
    expect = args.length;
    start = 1;
  }
  const rest = args.slice(start);
  switch (ruleType) {
    case 'answer':
      fail('response rewrites must begin with a name rule');
      break;
    case 'name':
      nameRule(rest);
      break;
    case 'class':
      if (expect !== 3) fail(`${ruleType} rules must have exactly two arguments`);
      for (const a of rest) if (!classes.has(a.toUpperCase())) fail(`invalid class "${a.toUpperCase()}"`);
      break;
    case 'type':
      if (expect !== 3) fail(`${ruleType} rules must have exactly two arguments`);
      for (const a of rest) if (!typeName.test(a)) fail(`invalid type "${a.toUpperCase()}"`);
      break;
    case 'edns0':
      if (rest.length < 2) fail('too few arguments for an EDNS0 rule');
      if (!['append', 'replace', 'set', 'unset'].includes(rest[1].toLowerCase())) fail(`invalid action: "${rest[1].toLowerCase()}"`);
      if (!['local', 'nsid', 'subnet'].includes(rest[0].toLowerCase())) fail(`invalid rule type "${rest[0].toLowerCase()}"`);
      break;
    case 'ttl':
    case 'rcode':
      ttlOrRcode(ruleType, rest);
      break;
    case 'cname':
      if (rest.length < 2) fail(`too few (${rest.length}) arguments for a cname rule`);
      if (rest.length === 3 && !rewriteNameMatchTypes.includes(rest[0].toLowerCase())) fail(`unknown cname rewrite type: ${rest[0]}`);
      break;
    default:
      fail(`invalid rule type "${args[0]}"`);
  }
}

function validPattern(from: string, to: string): void {
  if (from.length > 10000) fail(`regex pattern too long: ${from.length} > 10000`);
  if (regexpError(from)) fail(`invalid regex matching pattern: ${from}`);
  let used = 0;
  for (let i = 0; i <= 100; i++) if (to.includes(`{${i}}`)) used++;
  if (used > regexpNumSubexp(from)) {
    fail(`the rewrite regex pattern (${to}) uses more subexpressions than its corresponding matching regex pattern (${from})`);
  }
}

function nameRule(args: string[]): void {
  if (args.length < 2) fail('too few arguments for a name rule');
  let matchType = 'exact';
  let from: string;
  let to: string;
  if (args.length === 2) {
    from = normalizeName(args[0]);
    to = normalizeName(args[1]);
  } else {
    matchType = args[0].toLowerCase();
    from = matchType === 'regex' ? args[1] : normalizeName(args[1]);
    to = matchType === 'regex' ? args[2] : normalizeName(args[2]);
  }
  if (args.length > 3) answerRules(matchType, args.slice(3));
  if (matchType === 'exact') validPattern(to, from);
  else if (matchType === 'regex') validPattern(from, to);
  else if (!rewriteNameMatchTypes.includes(matchType)) {
    fail(`name rule supports only exact, prefix, suffix, substring, and regex name matching, received: ${matchType}`);
  }
}

function answerRules(name: string, args: string[]): void {
  let arg = 0;
  let nameRules = 0;
  let auto = false;
  let last = '';
  if (args.length < 2) fail(`invalid arguments for ${name} rule`);
  while (arg < args.length) {
    if (last === '' && args[arg] !== 'answer') fail(`exceeded the number of arguments for a non-answer rule argument for ${name} rule`);
    if (args[arg] === 'answer') arg++;
    if (args.length - arg === 0) fail(`type missing for answer rule for ${name} rule`);
    last = args[arg++];
    if (last === 'auto') {
      auto = true;
      continue;
    }
    if (last !== 'name' && last !== 'value') fail(`invalid type "${last}" for answer rule for ${name} rule`);
    if (args.length - arg < 2) fail(`${last} answer rule for ${name} rule: 2 arguments required`);
    try {
      validPattern(args[arg], args[arg + 1]);
    } catch (e) {
      fail(`${last} answer rule for ${name} rule: ${(e as Error).message}`);
    }
    arg += 2;
    if (last === 'name') nameRules++;
  }
  if (auto && nameRules > 0) fail('auto name answer rule cannot be combined with explicit name anwer rules');
}

function ttlOrRcode(kind: string, args: string[]): void {
  if (args.length < 2) fail(`too few (${args.length}) arguments for a ${kind} rule`);
  if (args.length > 3) fail(`many few arguments for a ${kind} rule`);
  if (kind === 'ttl') {
    const s = args[args.length - 1];
    if (!/^(\d+|\d*-\d*)$/.test(s) || s === '-') fail(`invalid TTL '${s}' for a ttl rule`);
  } else {
    const [oldStr, newStr] = args.slice(-2);
    if (!validRcode(oldStr)) fail(`invalid matching RCODE '${oldStr}' for a rcode rule`);
    if (!validRcode(newStr)) fail(`invalid replacement RCODE '${newStr}' for a rcode rule`);
  }
  if (args.length === 3) {
    const t = args[0].toLowerCase();
    if (!rewriteNameMatchTypes.includes(t)) fail(`${kind} rule supports only exact, prefix, suffix, substring, and regex name matching`);
    if (t === 'regex' && regexpError(args[1])) fail(`invalid regex pattern in a ${kind} rule: ${args[1]}`);
  }
}

function validRcode(s: string): boolean {
  return rcodeNames.has(s.toUpperCase()) || /^\d+$/.test(s);
}
