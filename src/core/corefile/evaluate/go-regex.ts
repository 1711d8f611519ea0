/**
 * Go RE2 patterns (what CoreDNS's rewrite, template and view `matches` compile) translated to JS RegExp.
 * The dialects differ in small ways that matter for Corefiles: named groups are `(?P<n>…)`, flags come as
 * a leading `(?i)`, `\z`/`\A` anchor the text, `\Q…\E` quotes, POSIX classes exist, and RE2 rejects
 * backreferences and lookaround that JS would accept. Anything we cannot translate faithfully is an error.
 */

const posix: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** A compiled pattern (with its named groups) or the error Go would report. */
export type GoRegexResult = { ok: true; re: RegExp; groupNames: string[] } | { ok: false; error: string };

/** Compiles a Go regular expression; `error` mirrors the failure Go would report at setup time. */
export function compileGoRegex(pattern: string, extraFlags = ''): GoRegexResult {
  let src = pattern;
  let flags = extraFlags;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    const f = lead[1]!;
    if (f.includes('U')) return { ok: false, error: `regex flag U (ungreedy) is not supported here: ${pattern}` };
    for (const c of f) if (!flags.includes(c)) flags += c;
    src = src.slice(lead[0].length);
  }
  if (/\(\?[imsU-]+:/.test(src) || /\(\?[imsU]+\)/.test(src)) {
    return { ok: false, error: `inline regex flag groups are not supported here: ${pattern}` };
  }
  if (/\(\?(=|!|<=|<!)/.test(src)) return { ok: false, error: `error parsing regexp: invalid or unsupported Perl syntax (lookaround) in ${pattern}` };
  let out = '';
  const groupNames: string[] = [];
  let unicode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const d = src[i + 1];
      if (d === undefined) return { ok: false, error: `error parsing regexp: trailing backslash at end of expression: ${pattern}` };
      if (/[1-9]/.test(d)) return { ok: false, error: `error parsing regexp: invalid escape sequence: \\${d} (RE2 has no backreferences)` };
      if (d === 'z') { out += '$(?![\\s\\S])'; i++; continue; }
      if (d === 'A') { out += '^'; i++; continue; }
      if (d === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (d === 'p' || d === 'P') unicode = true;
      out += c + d;
      i++;
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      const close = src.indexOf('>', i);
      groupNames.push(src.slice(i + 4, close));
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && src.startsWith('(?<', i)) {
      const close = src.indexOf('>', i);
      groupNames.push(src.slice(i + 3, close));
    }
    if (c === '[') {
      // Copy a bracket expression, translating POSIX classes inside it.
      let j = i + 1;
      let cls = '[';
      if (src[j] === '^') { cls += '^'; j++; }
      if (src[j] === ']') { cls += '\\]'; j++; }
      for (; j < src.length && src[j] !== ']'; j++) {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(j));
        if (m) {
          const body = posix[m[2]!];
          if (!body) return { ok: false, error: `error parsing regexp: invalid character class range: [:${m[2]}:]` };
          if (m[1]) return { ok: false, error: `negated POSIX classes are not supported here: ${pattern}` };
          cls += body;
          j += m[0].length - 1;
          continue;
        }
        if (src[j] === '\\' && j + 1 < src.length) { cls += src[j]! + src[j + 1]!; j++; continue; }
        if (src[j] === '[') { cls += '\\['; continue; }
        cls += src[j];
      }
      if (j >= src.length) return { ok: false, error: `error parsing regexp: missing closing ]: ${pattern}` };
      out += `${cls}]`;
      i = j;
      continue;
    }
    out += c;
  }
  try {
    return { ok: true, re: new RegExp(out, flags + (unicode ? 'u' : '')), groupNames };
  } catch (err) {
    return { ok: false, error: `error parsing regexp: ${(err as Error).message}` };
  }
}
