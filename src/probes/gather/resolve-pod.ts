/**
 * The pod argument of `why`: `ns/pod`, `pod` (with a namespace), `deploy/name` (a Ready pod of
 * it, named in the report) or a unique prefix. An unknown pod lists the closest names.
 */
import { distance } from 'fastest-levenshtein';
import type { ClusterAccess, ClusterPod } from '../../core/cluster-access.js';
import { NotFoundError } from '../../core/cluster-access.js';
import { parsePodRef } from '../../core/input/pod-ref.js';
import { workloadShortNames, type WorkloadKind } from '../../core/model/workload-kinds.js';
import { DnswhyError } from '../../core/errors.js';

/** The pod argument matched no pod (or a prefix matched several). */
export class PodNotFoundError extends DnswhyError {
  override readonly code = 'pod-not-found';
  override readonly permanent = true;
  constructor(
    message: string,
    /** Closest pod names (`ns/name`), best first. */
    readonly candidates: string[],
  ) {
    super(message);
  }
}

/** What the argument resolved to. */
export interface ResolvedPod {
  pod: ClusterPod;
  /** Set when the argument was not the pod itself: "deploy/web", "prefix web-7". */
  resolvedFrom?: string;
}

/** Rank names by edit distance to what was asked (substring matches first). */
export function closestNames(asked: string, names: string[], max = 5): string[] {
  const a = asked.toLowerCase();
  return [...new Set(names)]
    .map((n) => {
      const short = n.includes('/') ? n.slice(n.indexOf('/') + 1) : n;
      const d = Math.min(distance(a, n.toLowerCase()), distance(a, short.toLowerCase()));
      return { n, score: short.includes(a) || a.includes(short) ? d - 100 : d };
    })
    .sort((x, y) => x.score - y.score || x.n.localeCompare(y.n))
    .slice(0, max)
    .map((x) => x.n);
}

function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Prefer Ready and Running pods, then the newest, then by name (deterministic). */
function best(pods: ClusterPod[]): ClusterPod | undefined {
  return [...pods].sort(
    (a, b) =>
      Number(b.ready) - Number(a.ready) ||
      Number(b.phase === 'Running') - Number(a.phase === 'Running') ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
      a.name.localeCompare(b.name),
  )[0];
}

async function fromWorkload(access: ClusterAccess, kind: WorkloadKind, name: string, namespace: string): Promise<ResolvedPod> {
  const label = `${workloadShortNames[kind]}/${name}`;
  let selector: Record<string, string>;
  try {
    selector = (await access.readWorkload(kind, namespace, name)).selector;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    // Suggest workloads by the owners of the namespace's pods (one list call, no per-kind reads).
    const all = await access.listPods(namespace);
    const owners = all.map((p) => (p.directOwner?.kind === 'ReplicaSet' ? p.directOwner.name.replace(/-[a-z0-9]{5,10}$/, '') : (p.directOwner?.name ?? '')));
    throw new PodNotFoundError(
      `${kind} ${namespace}/${name} not found`,
      closestNames(name, owners.filter(Boolean)).map((o) => `${workloadShortNames[kind]}/${o}`),
    );
  }
  let pods = await access.listPods(namespace, { labelSelector: selectorString(selector) });
  // A selector can match pods of other workloads; keep the ones this workload owns when we can tell.
  const owned = pods.filter((p) =>
    kind === 'Deployment' ? p.directOwner?.kind === 'ReplicaSet' && p.directOwner.name.startsWith(`${name}-`) : p.directOwner?.name === name,
  );
  if (owned.length) pods = owned;
  const ready = pods.filter((p) => p.ready);
  const pick = best(ready.length ? ready : pods);
  if (!pick) throw new PodNotFoundError(`${kind} ${namespace}/${name} has no pods`, []);
  return { pod: pick, resolvedFrom: label };
}

/**
 * Resolve the pod argument. `namespace` applies to the bare forms; `ns/pod` carries its own.
 * Throws PodNotFoundError with the closest names when nothing (or more than one prefix match) fits.
 */
export async function resolvePodArgument(access: ClusterAccess, arg: string, namespace?: string): Promise<ResolvedPod> {
  // Malformed arguments throw InputError (core/input) with what was wrong.
  const ref = parsePodRef(arg, namespace);
  if (ref.kind === 'workload') return fromWorkload(access, ref.workload, ref.name, ref.namespace ?? 'default');
  const ns = ref.namespace;
  const name = ref.name;
  if (ns) {
    try {
      return { pod: await access.readPod(ns, name) };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  // Not an exact name: a unique prefix in the namespace (or anywhere when none was given).
  const pods = await access.listPods(ns);
  const matches = pods.filter((p) => p.name.startsWith(name));
  const fq = (p: ClusterPod) => `${p.namespace}/${p.name}`;
  const exact = pods.filter((p) => p.name === name);
  if (exact.length === 1) return { pod: exact[0]! };
  if (exact.length > 1) throw new PodNotFoundError(`pod "${name}" exists in several namespaces; give one with ns/pod or -n`, exact.map(fq).sort());
  if (matches.length === 1) return { pod: matches[0]!, resolvedFrom: `prefix ${name}` };
  if (matches.length > 1) {
    throw new PodNotFoundError(`"${name}" matches ${matches.length} pods${ns ? ` in ${ns}` : ''}; be more specific`, matches.map(fq).sort().slice(0, 10));
  }
  throw new PodNotFoundError(`pod "${name}" not found${ns ? ` in namespace ${ns}` : ''}`, closestNames(name, pods.map(fq)));
}
