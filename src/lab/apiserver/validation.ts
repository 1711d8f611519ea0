/**
 * The API server's validation for the objects the lab lets clients write, with its field paths and
 * wording (a 422 `Invalid` lists these causes).
 */
import { dnsPolicies } from '../../core/model/k8s.js';
import { isIp } from '../scenario/addresses.js';
import type { KubeObject } from '../state/object-store.js';
import type { StatusCause } from './status.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const configKey = /^[-._a-zA-Z0-9]+$/;
const goMap = (m: Record<string, string>) => `map[string]string{${Object.entries(m).map(([k, v]) => `"${k}":"${v}"`).join(', ')}}`;

const cause = (field: string, message: string, reason = 'FieldValueInvalid'): StatusCause => ({ reason, message, field });

/** Validation of a pod spec at `path` (spec or spec.template.spec). */
export function validatePodSpec(spec: any, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!spec || typeof spec !== 'object') return [cause(path, 'Required value', 'FieldValueRequired')];
  const containers: any[] = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) out.push(cause(`${path}.containers`, 'Required value', 'FieldValueRequired'));
  const names = new Set<string>();
  const all = [...containers.map((c, i) => ({ c, p: `${path}.containers[${i}]` })), ...(spec.ephemeralContainers ?? []).map((c: any, i: number) => ({ c, p: `${path}.ephemeralContainers[${i}]` }))];
  for (const { c, p } of all) {
    if (!c?.name) out.push(cause(`${p}.name`, 'Required value', 'FieldValueRequired'));
    else if (!dns1123Label.test(c.name)) {
      out.push(cause(`${p}.name`, `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`));
    } else if (names.has(c.name)) out.push(cause(`${p}.name`, `Duplicate value: "${c.name}"`, 'FieldValueDuplicate'));
    else names.add(c.name);
    if (!c?.image) out.push(cause(`${p}.image`, 'Required value', 'FieldValueRequired'));
  }
  if (spec.dnsPolicy !== undefined && !(dnsPolicies as readonly string[]).includes(spec.dnsPolicy)) {
    // The API server lists the supported values sorted.
    const supported = [...dnsPolicies].sort().map((p) => `"${p}"`).join(', ');
    out.push(cause(`${path}.dnsPolicy`, `Unsupported value: "${spec.dnsPolicy}": supported values: ${supported}`, 'FieldValueNotSupported'));
  }
  const dc = spec.dnsConfig;
  if (spec.dnsPolicy === 'None' && !(dc?.nameservers?.length)) {
    out.push(cause(`${path}.dnsConfig`, 'Required value: must provide at least one DNS nameserver when `dnsPolicy` is None', 'FieldValueRequired'));
  }
  if (dc) {
    const ns: unknown[] = dc.nameservers ?? [];
    if (ns.length > 3) out.push(cause(`${path}.dnsConfig.nameservers`, `Invalid value: ${JSON.stringify(ns)}: must not have more than 3 nameservers`));
    ns.forEach((ip, i) => {
      if (typeof ip !== 'string' || !isIp(ip)) out.push(cause(`${path}.dnsConfig.nameservers[${i}]`, `Invalid value: ${JSON.stringify(ip)}: must be a valid IP address`));
    });
    const searches: string[] = dc.searches ?? [];
    if (searches.length > 32) out.push(cause(`${path}.dnsConfig.searches`, `Invalid value: ${JSON.stringify(searches)}: must not have more than 32 search paths`));
    if (searches.join(' ').length > 2048) out.push(cause(`${path}.dnsConfig.searches`, `Invalid value: ${JSON.stringify(searches)}: must not have more than 2048 characters (including spaces) in the search list`));
    (dc.options ?? []).forEach((o: any, i: number) => {
      if (!o?.name) out.push(cause(`${path}.dnsConfig.options[${i}]`, 'Required value: Option.Name must not be empty', 'FieldValueRequired'));
    });
  }
  (spec.hostAliases ?? []).forEach((a: any, i: number) => {
    if (typeof a?.ip !== 'string' || !isIp(a.ip)) out.push(cause(`${path}.hostAliases[${i}].ip`, `Invalid value: ${JSON.stringify(a?.ip ?? '')}: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`));
    if (!Array.isArray(a?.hostnames) || a.hostnames.length === 0) out.push(cause(`${path}.hostAliases[${i}].hostnames`, 'Required value', 'FieldValueRequired'));
  });
  return out;
}

/** Validation for a create (old undefined) or an update of `kind`. */
export function validateObject(kind: string, obj: KubeObject, old?: KubeObject): StatusCause[] {
  const o = obj as any;
  const out: StatusCause[] = [];
  if (!o.metadata?.name) out.push(cause('metadata.name', 'Required value: name or generateName is required', 'FieldValueRequired'));
  switch (kind) {
    case 'ConfigMap': {
      for (const key of Object.keys(o.data ?? {})) {
        if (!configKey.test(key)) {
          out.push(cause(`data[${key}]`, `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`));
        }
        if (typeof o.data[key] !== 'string') out.push(cause(`data[${key}]`, `Invalid value: ${JSON.stringify(o.data[key])}: must be a string`));
      }
      const size = Object.values(o.data ?? {}).reduce((n: number, v) => n + String(v).length, 0);
      if (size > 1024 * 1024) out.push(cause('data', 'Too long: must have at most 1048576 bytes', 'FieldValueTooLong'));
      break;
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet': {
      const spec = o.spec ?? {};
      if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
        out.push(cause('spec.replicas', `Invalid value: ${spec.replicas}: must be greater than or equal to 0`));
      }
      const sel: Record<string, string> = spec.selector?.matchLabels ?? {};
      const labels: Record<string, string> = spec.template?.metadata?.labels ?? {};
      if (Object.keys(sel).length === 0) out.push(cause('spec.selector', `Invalid value: "null": empty selector is invalid for ${kind.toLowerCase()}`));
      else if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) {
        out.push(cause('spec.template.metadata.labels', `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``));
      }
      if (old && JSON.stringify((old as any).spec?.selector) !== JSON.stringify(spec.selector)) {
        out.push(cause('spec.selector', `Invalid value: v1.LabelSelector{MatchLabels:${goMap(sel)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`));
      }
      out.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec'));
      break;
    }
    case 'Pod':
      out.push(...validatePodSpec(o.spec, 'spec'));
      if (old) out.push(...podSpecUpdate(o.spec, (old as any).spec));
      break;
  }
  return out;
}

/** A pod update through /ephemeralcontainers may only add ephemeral containers. */
export function validateEphemeralUpdate(next: any, old: any): StatusCause[] {
  const out: StatusCause[] = [];
  const before: any[] = old.spec?.ephemeralContainers ?? [];
  const after: any[] = next.spec?.ephemeralContainers ?? [];
  for (const b of before) {
    const a = after.find((x) => x.name === b.name);
    if (!a || JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(cause('spec.ephemeralContainers', `Forbidden: existing ephemeral containers "${b.name}" may not be changed`, 'FieldValueForbidden'));
    }
  }
  for (const [i, a] of after.entries()) {
    if (!a.name) out.push(cause(`spec.ephemeralContainers[${i}].name`, 'Required value', 'FieldValueRequired'));
    if (!a.image) out.push(cause(`spec.ephemeralContainers[${i}].image`, 'Required value', 'FieldValueRequired'));
    if ((next.spec.containers ?? []).some((c: any) => c.name === a.name)) {
      out.push(cause(`spec.ephemeralContainers[${i}].name`, `Duplicate value: "${a.name}"`, 'FieldValueDuplicate'));
    }
  }
  return out;
}

/** Pod specs are immutable but for images, activeDeadlineSeconds and added tolerations (ephemeral containers go through their subresource). */
function podSpecUpdate(next: any, old: any): StatusCause[] {
  const strip = (spec: any) => ({
    ...spec,
    containers: (spec?.containers ?? []).map((c: any) => ({ ...c, image: undefined })),
    initContainers: (spec?.initContainers ?? []).map((c: any) => ({ ...c, image: undefined })),
    activeDeadlineSeconds: undefined,
    tolerations: undefined,
    ephemeralContainers: undefined,
  });
  if (JSON.stringify(strip(next)) === JSON.stringify(strip(old))) return [];
  return [
    cause(
      'spec',
      'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      'FieldValueForbidden',
    ),
  ];
}
