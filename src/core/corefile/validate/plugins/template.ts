/** template: `template CLASS TYPE [ZONES...] { match | answer | additional | authority | var | expr | rcode | ederror | fallthrough }` (plugin/template/setup.go). */
import type { PluginValidator } from '../context.js';
import { parseUint, regexpError } from '../go.js';
import { goTemplateError } from '../go-template-check.js';
import { compileTemplateExpr, reservedVarName, type ExprType } from '../template-expr.js';
import { rcodeNames } from './rcodes.js';

/** miekg dns.StringToClass keys (case-sensitive). */
export const dnsClasses = new Set(['IN', 'CS', 'CH', 'HS', 'NONE', 'ANY']);
/** miekg dns.StringToType keys (case-sensitive, the common ones plus TYPEnnn is not accepted there). */
export const dnsTypes = new Set([
  'None', 'A', 'NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'NULL', 'PTR', 'HINFO', 'MINFO', 'MX', 'TXT', 'RP',
  'AFSDB', 'X25', 'ISDN', 'RT', 'NSAPPTR', 'SIG', 'KEY', 'PX', 'GPOS', 'AAAA', 'LOC', 'NXT', 'EID', 'NIMLOC', 'SRV',
  'ATMA', 'NAPTR', 'KX', 'CERT', 'DNAME', 'OPT', 'APL', 'DS', 'SSHFP', 'IPSECKEY', 'RRSIG', 'NSEC', 'DNSKEY', 'DHCID',
  'NSEC3', 'NSEC3PARAM', 'TLSA', 'SMIMEA', 'HIP', 'NINFO', 'RKEY', 'TALINK', 'CDS', 'CDNSKEY', 'OPENPGPKEY', 'CSYNC',
  'ZONEMD', 'SVCB', 'HTTPS', 'SPF', 'UINFO', 'UID', 'GID', 'UNSPEC', 'NID', 'L32', 'L64', 'LP', 'EUI48', 'EUI64',
  'NXNAME', 'URI', 'CAA', 'AVC', 'AMTRELAY', 'RESINFO', 'TKEY', 'TSIG', 'IXFR', 'AXFR', 'MAILB', 'MAILA', 'ANY',
  'TA', 'DLV', 'Reserved',
]);

const varName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const validateTemplate: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    if (!c.nextArg()) throw c.argErr();
    if (!dnsClasses.has(c.val())) throw c.err(`invalid query class ${c.val()}`);
    if (!c.nextArg()) throw c.argErr();
    if (!dnsTypes.has(c.val())) throw c.err(`invalid RR class ${c.val()}`);
    c.remainingArgs();
    const vars = new Map<string, ExprType>();
    while (c.nextBlock()) {
      const opt = c.val();
      switch (opt) {
        case 'match': {
          const a = c.remainingArgs();
          if (a.length === 0) throw c.argErr();
          for (const re of a) {
            if (re.length > 10000) throw c.err(`regex pattern too long: ${re.length} > 10000`);
            const e = regexpError(re);
            if (e) throw c.err(`could not parse regex: ${re}, ${e}`);
          }
          break;
        }
        case 'answer':
        case 'additional':
        case 'authority': {
          const a = c.remainingArgs();
          if (a.length === 0) throw c.argErr();
          for (const t of a) {
            const e = goTemplateError(opt, t);
            if (e) throw c.err(`could not compile template: ${c.val()}, ${e}`);
          }
          break;
        }
        case 'var': {
          const a = c.remainingArgs();
          if (a.length < 2) throw c.argErr();
          if (!varName.test(a[0])) throw c.err(`invalid variable name "${a[0]}"`);
          if (reservedVarName(a[0], vars)) throw c.err(`variable name "${a[0]}" is reserved`);
          const r = compileTemplateExpr(a.slice(1).join(' '), vars);
          if ('error' in r) throw c.err(`could not compile expression: ${a[0]}, ${r.error}`);
          vars.set(a[0], r.type);
          break;
        }
        case 'expr': {
          const a = c.remainingArgs();
          if (a.length === 0) throw c.argErr();
          const r = compileTemplateExpr(a.join(' '), vars);
          if ('error' in r) throw c.err(`could not compile expression: ${r.error}`);
          break;
        }
        case 'rcode':
          if (!c.nextArg()) throw c.argErr();
          if (!rcodeNames.has(c.val()) || c.val() !== c.val().toUpperCase()) throw c.err(`unknown rcode ${c.val()}`);
          break;
        case 'ederror': {
          const a = c.remainingArgs();
          if (a.length !== 1 && a.length !== 2) throw c.argErr();
          if (parseUint(a[0], 16) === undefined) {
            throw c.err(`error parsing extended DNS error code ${c.val()}, strconv.ParseUint: parsing "${a[0]}": invalid syntax`);
          }
          break;
        }
        case 'fallthrough':
        case 'upstream':
          c.remainingArgs();
          break;
        default:
          throw c.argErr();
      }
    }
  }
};
