/**
 * A checker for Kubernetes label selector strings (`metav1.ParseToLabelSelector`), used by the
 * kubernetes plugin's `labels` and `namespace_labels`: returns an error message or undefined.
 */

const special = new Set(['(', ')', ',', '=', '!', '<', '>']);
const namePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function lexSelector(s: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '=' && s[i + 1] === '=') {
      out.push('==');
      i += 2;
    } else if (ch === '!' && s[i + 1] === '=') {
      out.push('!=');
      i += 2;
    } else if (special.has(ch)) {
      out.push(ch);
      i++;
    } else {
      let j = i;
      while (j < s.length && !/\s/.test(s[j]) && !special.has(s[j])) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

function validKey(k: string): boolean {
  const parts = k.split('/');
  if (parts.length > 2) return false;
  if (parts.length === 2 && (parts[0].length > 253 || !dnsSubdomain.test(parts[0]))) return false;
  return namePart.test(parts[parts.length - 1]);
}

function validValue(v: string): boolean {
  return v === '' || namePart.test(v);
}

/** The parse error of a label selector, or undefined when it is valid. */
export function labelSelectorError(selector: string): string | undefined {
  const t = lexSelector(selector);
  if (typeof t === 'string') return t;
  let i = 0;
  const isWord = (x: string | undefined) => x !== undefined && !special.has(x) && x !== '==' && x !== '!=';
  while (i < t.length) {
    let negate = false;
    if (t[i] === '!') {
      negate = true;
      i++;
    }
    const key = t[i];
    if (!isWord(key)) return `found '${key ?? ''}', expected: identifier`;
    if (!validKey(key)) return `invalid label key "${key}"`;
    i++;
    if (negate || i >= t.length || t[i] === ',') {
      if (t[i] === ',') {
        i++;
        if (i >= t.length) return "found '', expected: identifier after ','";
      }
      continue;
    }
    const op = t[i];
    i++;
    if (op === '=' || op === '==' || op === '!=') {
      const v = isWord(t[i]) ? t[i++] : '';
      if (!validValue(v)) return `invalid label value: "${v}"`;
    } else if (op === '<' || op === '>') {
      const v = t[i++];
      if (v === undefined || !/^-?\d+$/.test(v)) return `for 'Gt', 'Lt' operators, exactly one value is required`;
    } else if (op === 'in' || op === 'notin') {
      if (t[i] !== '(') return `found '${t[i] ?? ''}', expected: '('`;
      i++;
      for (;;) {
        if (t[i] === ')') break;
        if (!isWord(t[i])) return `found '${t[i] ?? ''}', expected: ',', ')' or identifier`;
        if (!validValue(t[i])) return `invalid label value: "${t[i]}"`;
        i++;
        if (t[i] === ',') {
          i++;
          continue;
        }
        if (t[i] === ')') break;
        return `found '${t[i] ?? ''}', expected: ',' or ')'`;
      }
      i++;
    } else {
      return `found '${op}', expected: in, notin, =, ==, !=, gt, lt`;
    }
    if (i < t.length) {
      if (t[i] !== ',') return `found '${t[i]}', expected: ','`;
      i++;
      if (i >= t.length) return "found '', expected: identifier after ','";
    }
  }
  return undefined;
}
