/** Label and field selectors as the API server parses them (`app=web,tier!=db,env in (a,b),!legacy`). */
import { badRequest } from './status.js';

type Requirement =
  | { key: string; op: 'eq' | 'ne'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const keyRe = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

/** Parses a label selector; throws a 400 ApiError for a malformed one. */
export function parseLabelSelector(text: string | null): LabelSelector {
  if (!text) return () => true;
  const reqs: Requirement[] = [];
  for (const part of splitTop(text)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) });
    } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? 'ne' : 'eq', value: m[3]! });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: m[1]!, op: 'notexists' });
    } else if (keyRe.test(part)) {
      reqs.push({ key: part, op: 'exists' });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  for (const r of reqs) if (!keyRe.test(r.key)) throw badRequest(`unable to parse requirement: invalid label key "${r.key}"`);
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => {
      const has = Object.hasOwn(l, r.key);
      switch (r.op) {
        case 'eq':
          return has && l[r.key] === r.value;
        case 'ne':
          return !has || l[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(l[r.key]!);
        case 'notin':
          return !has || !r.values.includes(l[r.key]!);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
  };
}

/** Fields each resource supports in field selectors (a subset of the real ones, the ones clients use). */
const fieldsByResource: Record<string, Record<string, (o: any) => string | undefined>> = {
  pods: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIP ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
  },
  events: Object.fromEntries(
    ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']
      .map((f) => [`involvedObject.${f}`, (o: any) => o.involvedObject?.[f] ?? ''] as [string, (o: any) => string])
      .concat([['reason', (o: any) => o.reason ?? ''], ['type', (o: any) => o.type ?? ''], ['source', (o: any) => o.source?.component ?? '']]),
  ),
  nodes: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false) },
  namespaces: { 'status.phase': (o) => o.status?.phase ?? '' },
  replicasets: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  services: { 'spec.clusterIP': (o) => o.spec?.clusterIP ?? '', 'spec.type': (o) => o.spec?.type ?? '' },
};

export type FieldSelector = (obj: any) => boolean;

/** Parses a field selector for a resource; unknown fields are a 400 as on the real server. */
export function parseFieldSelector(text: string | null, resource: string): FieldSelector {
  if (!text) return () => true;
  const fields: Record<string, (o: any) => string | undefined> = {
    'metadata.name': (o) => o.metadata?.name,
    'metadata.namespace': (o) => o.metadata?.namespace ?? '',
    ...(fieldsByResource[resource] ?? {}),
  };
  const tests: FieldSelector[] = [];
  for (const part of splitTop(text)) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get = fields[field];
    if (!get) {
      throw badRequest(`"${field}" is not a known field selector: only "${Object.keys(fields).join('", "')}"`);
    }
    tests.push(op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (o) => tests.every((t) => t(o));
}
