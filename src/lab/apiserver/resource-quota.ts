/**
 * ResourceQuota admission for pod creation, as the API server's quota plugin does it: a quota that
 * limits cpu or memory refuses a pod that does not say how much it needs ("must specify"), and
 * one whose hard limit the pod would pass refuses it with the requested, used and limited amounts.
 * Usage is counted from the namespace's pods that have not finished.
 */
import { ApiError } from './status.js';

export const quotaResources = ['pods', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'] as const;

const units: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** A Kubernetes quantity ("500m", "128Mi", "2") as a number, or undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q ?? '').trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? units[m[2]]! : 1);
}

function formatQuantity(resource: string, v: number): string {
  if (resource === 'pods' || v === 0) return String(v);
  if (resource.endsWith('cpu') || resource === 'cpu') return Number.isInteger(v) ? String(v) : `${Math.round(v * 1000)}m`;
  for (const u of ['Gi', 'Mi', 'Ki'] as const) if (v % units[u]! === 0) return `${v / units[u]!}${u}`;
  return String(v);
}

/** What one pod counts against each quota resource, and the containers that do not say. */
function podUsage(spec: any, resource: string): { amount: number; unspecified: string[] } {
  if (resource === 'pods') return { amount: 1, unspecified: [] };
  const [kind, what] = resource.includes('.') ? (resource.split('.') as [string, string]) : ['requests', resource];
  let amount = 0;
  const unspecified: string[] = [];
  for (const c of spec.containers ?? []) {
    // A limit without a request makes the request equal to it (the API server's defaulting).
    const v = parseQuantity(c.resources?.[kind]?.[what] ?? (kind === 'requests' ? c.resources?.limits?.[what] : undefined));
    if (v === undefined) unspecified.push(c.name);
    else amount += v;
  }
  return { amount, unspecified };
}

const finished = (p: any) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

function refusal(name: string, message: string): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${name}" is forbidden: ${message}`, reason: 'Forbidden', details: { name, kind: 'pods' }, code: 403 });
}

/** Throws the quota plugin's refusal when a new pod does not fit one of the namespace's quotas. */
export function admitPodQuota(pod: any, quotas: readonly any[], existingPods: readonly any[]): void {
  const name = pod.metadata.name as string;
  const running = existingPods.filter((p) => !finished(p));
  for (const q of quotas) {
    const hard: Record<string, unknown> = q.spec?.hard ?? {};
    const keys = Object.keys(hard).filter((k) => (quotaResources as readonly string[]).includes(k)).sort();
    const missing = keys.map((k) => [k, podUsage(pod.spec, k).unspecified] as const).filter(([, c]) => c.length > 0);
    if (missing.length) throw refusal(name, `failed quota: ${q.metadata.name}: must specify ${missing.map(([k, c]) => `${k} for: ${c.join(',')}`).join('; ')}`);
    const over = keys.filter((k) => {
      const limit = parseQuantity(hard[k]);
      if (limit === undefined) return false;
      const used = running.reduce((n, p) => n + podUsage(p.spec, k).amount, 0);
      return used + podUsage(pod.spec, k).amount > limit;
    });
    if (over.length) {
      const list = (f: (k: string) => number) => over.map((k) => `${k}=${formatQuantity(k, f(k))}`).join(',');
      const used = (k: string) => running.reduce((n, p) => n + podUsage(p.spec, k).amount, 0);
      throw refusal(name, `exceeded quota: ${q.metadata.name}, requested: ${list((k) => podUsage(pod.spec, k).amount)}, used: ${list(used)}, limited: ${list((k) => parseQuantity(hard[k])!)}`);
    }
  }
}
