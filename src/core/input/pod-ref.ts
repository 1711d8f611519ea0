/**
 * Parses the POD argument forms people type: `ns/pod`, `pod` (with a namespace flag), `deploy/name`
 * (also `deployment/`, `sts/`, `statefulset/`, `ds/`, `daemonset/`), and `cluster/ns/pod` for Slack
 * routing. Pure; resolving the reference against the cluster is the probes' job.
 */
import { workloadKinds, workloadResources, workloadShortNames, type WorkloadKind } from '../model/workload-kinds.js';
import { InputError } from './target-name.js';
import { controlCharacterIn } from './text-problems.js';

export type PodRef =
  | { kind: 'pod'; namespace?: string; name: string }
  | { kind: 'workload'; workload: WorkloadKind; namespace?: string; name: string };

/** The prefixes kubectl accepts for a workload: its short name, its kind and its resource (`deploy`, `deployment`, `deployments`). */
const workloadPrefixes: Record<string, WorkloadKind> = Object.fromEntries(
  workloadKinds.flatMap((kind) => [workloadShortNames[kind], kind.toLowerCase(), workloadResources[kind]].map((prefix) => [prefix, kind])),
);

// RFC 1123 subdomain (pod names) and label (namespaces), as the API server validates them.
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkName(name: string, what: string): string {
  if (name.length === 0) throw new InputError(`the ${what} is empty`, 'pod');
  if (name.length > 253 || !subdomain.test(name)) {
    throw new InputError(`"${name}" is not a valid ${what}: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`, 'pod');
  }
  return name;
}

function checkNamespace(ns: string): string {
  if (ns.length > 63 || !dnsLabel.test(ns)) {
    throw new InputError(`"${ns}" is not a valid namespace: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit`, 'pod');
  }
  return ns;
}

/** Parses a pod argument; `namespace` is the `-n` value, which an `ns/` prefix must agree with. */
export function parsePodRef(arg: string, namespace?: string): PodRef {
  const control = controlCharacterIn(arg) ?? (namespace !== undefined ? controlCharacterIn(namespace) : undefined);
  if (control) throw new InputError(`the ${controlCharacterIn(arg) ? 'pod reference' : 'namespace'} contains a ${control}`, 'pod');
  const parts = arg.trim().split('/');
  if (namespace !== undefined) checkNamespace(namespace);
  if (parts.length === 1) return { kind: 'pod', namespace, name: checkName(parts[0]!, 'pod name') };
  if (parts.length === 2) {
    const [first, second] = parts as [string, string];
    const workload = workloadPrefixes[first.toLowerCase()];
    if (workload) return { kind: 'workload', workload, namespace, name: checkName(second, `${workload} name`) };
    if (namespace !== undefined && namespace !== first) {
      throw new InputError(`"${arg}" names namespace ${first} but -n says ${namespace}`, 'pod');
    }
    return { kind: 'pod', namespace: checkNamespace(first), name: checkName(second, 'pod name') };
  }
  if (parts.length === 3) {
    const [ns, kindOrName, name] = parts as [string, string, string];
    const workload = workloadPrefixes[kindOrName.toLowerCase()];
    if (workload) return { kind: 'workload', workload, namespace: checkNamespace(ns), name: checkName(name, `${workload} name`) };
  }
  throw new InputError(`cannot read the pod "${arg}": use ns/pod, pod -n ns, deploy/name or a unique prefix of a pod name`, 'pod');
}
