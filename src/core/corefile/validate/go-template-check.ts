/**
 * A parse-time check of Go text/template strings as CoreDNS's template plugin compiles them
 * (`gotmpl.New(name).Funcs({parseInt}).Parse(text)`): unclosed actions, unterminated strings and
 * calls of functions that do not exist are parse errors. Returns the error, or undefined.
 */

const builtins = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne', 'parseInt',
]);
const keywords = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);

/** Parse error of a Go template, or undefined. */
export function goTemplateError(name: string, text: string): string | undefined {
  let i = 0;
  let depth = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open === -1) break;
    let j = open + 2;
    // Scan the action, honouring "..." and `...` strings.
    let close = -1;
    while (j < text.length) {
      const ch = text[j];
      if (ch === '"' || ch === '`') {
        const end = ch === '"' ? findStringEnd(text, j) : text.indexOf('`', j + 1);
        if (end === -1) return `template: ${name}:1: unterminated quoted string`;
        j = end + 1;
        continue;
      }
      if (text.startsWith('}}', j)) {
        close = j;
        break;
      }
      j++;
    }
    if (close === -1) return `template: ${name}:1: unclosed action`;
    const action = text.slice(open + 2, close).replace(/^-\s|\s-$/g, '').trim();
    const words = action.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""').split(/[\s()|]+/).filter(Boolean);
    if (words[0] === 'end') depth--;
    if (['if', 'range', 'with', 'define', 'block'].includes(words[0] ?? '')) depth++;
    for (const w of words) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(w) && !builtins.has(w) && !keywords.has(w)) {
        return `template: ${name}:1: function "${w}" not defined`;
      }
    }
    i = close + 2;
  }
  if (depth > 0) return `template: ${name}:1: unexpected EOF`;
  if (depth < 0) return `template: ${name}:1: unexpected {{end}}`;
  return undefined;
}

function findStringEnd(text: string, start: number): number {
  for (let k = start + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === '"') return k;
    else if (text[k] === '\n') return -1;
  }
  return -1;
}
