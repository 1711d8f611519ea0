/**
 * Selectors used by `network`, resolver `views.match` and `from`/`to` (docs/lab-scenario.md, "Addresses and selectors"):
 * an IP, a CIDR, `node:NAME`, `zone:ZONE`, `pod:NS/NAME` or `service:NS/NAME`.
 */
import { isCidr, isIp } from './addresses.js';

export type Selector =
  | { kind: 'ip'; ip: string }
  | { kind: 'cidr'; cidr: string }
  | { kind: 'node'; node: string }
  | { kind: 'zone'; zone: string }
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'service'; namespace: string; name: string };

/** What a selector may look like, for error messages. */
export const selectorForms = 'an IP, a CIDR, node:NAME, zone:ZONE, pod:NS/NAME or service:NS/NAME';

/** Parses a selector, or returns an error message saying what was expected. */
export function parseSelector(text: string): Selector | { error: string } {
  const t = text.trim();
  const colon = t.indexOf(':');
  const prefix = colon > 0 ? t.slice(0, colon) : '';
  if (['node', 'zone', 'pod', 'service'].includes(prefix)) {
    const rest = t.slice(colon + 1);
    if (!rest) return { error: `"${text}" has nothing after "${prefix}:"; expected ${selectorForms}` };
    if (prefix === 'node') return { kind: 'node', node: rest };
    if (prefix === 'zone') return { kind: 'zone', zone: rest };
    const parts = rest.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      return { error: `"${text}" must be ${prefix}:NAMESPACE/NAME` };
    }
    return prefix === 'pod'
      ? { kind: 'pod', namespace: parts[0], name: parts[1] }
      : { kind: 'service', namespace: parts[0], name: parts[1] };
  }
  if (isIp(t)) return { kind: 'ip', ip: t };
  if (isCidr(t)) return { kind: 'cidr', cidr: t };
  return { error: `"${text}" is not a selector; expected ${selectorForms}` };
}

/** Canonical text of a selector (the inverse of parseSelector). */
export function selectorText(s: Selector): string {
  switch (s.kind) {
    case 'ip':
      return s.ip;
    case 'cidr':
      return s.cidr;
    case 'node':
      return `node:${s.node}`;
    case 'zone':
      return `zone:${s.zone}`;
    case 'pod':
      return `pod:${s.namespace}/${s.name}`;
    case 'service':
      return `service:${s.namespace}/${s.name}`;
  }
}
