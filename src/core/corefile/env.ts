/**
 * Environment substitution, a port of caddy's `replaceEnvVars` (docs/coredns-semantics.md, "Environment variables"):
 * `{%NAME%}` first, then `{$NAME}`; every occurrence; unset → "". Values are never re-tokenized.
 */

/** Replaces `{%X%}` then `{$X}` in one token's text. */
export function replaceEnvVars(s: string, env: Record<string, string | undefined>): string {
  return replaceRefs(replaceRefs(s, '{%', '%}', env), '{$', '}', env);
}

function replaceRefs(s: string, refStart: string, refEnd: string, env: Record<string, string | undefined>): string {
  let index = s.indexOf(refStart);
  // caddy loops forever when a value contains its own reference; we stop after a bounded number of rounds.
  let rounds = 0;
  while (index !== -1 && rounds++ < 1000 && s.length < 1_000_000) {
    const rel = s.slice(index).indexOf(refEnd);
    if (rel === -1) break;
    const endIndex = rel + index;
    // `{$}` / `{%%}`: caddy stops substituting this token altogether.
    if (endIndex <= index + refStart.length) return s;
    const ref = s.slice(index, endIndex + refEnd.length);
    const value = env[ref.slice(refStart.length, ref.length - refEnd.length)] ?? '';
    s = s.split(ref).join(value); // strings.Replace(s, ref, v, -1)
    index = s.indexOf(refStart);
  }
  return s;
}
