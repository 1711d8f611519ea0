/**
 * The DNS Service's selector against the labels the CoreDNS pods carry: a Service whose selector
 * matches no pod has no endpoints, however healthy CoreDNS is (a chart that labels its pods
 * differently from the Service the cluster was installed with, a typo in the selector).
 */
import type { CorednsImagePod, EndpointsEvidence, Fix } from '../../core/model/index.js';
import { listText } from '../lib/names.js';

/** Labels that differ from one ReplicaSet to the next: a selector on them would break at the next rollout. */
const perRolloutLabels = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation']);

export interface SelectorMismatch {
  /** One or two sentences for the explanation. */
  text: string;
  /** The short form for the report's cause line. */
  cause: string;
  fix: Fix;
  decisive: Record<string, unknown>;
}

const labelText = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(', ');

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Labels every pod carries with the same value (per-rollout labels left out). */
function sharedLabels(pods: readonly CorednsImagePod[]): Record<string, string> {
  const [first, ...rest] = pods;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first.labels).filter(([k, v]) => !perRolloutLabels.has(k) && rest.every((p) => p.labels[k] === v)));
}

/** The Deployment that owns a pod through its ReplicaSet (the ReplicaSet's name less its pod-template-hash). */
function deploymentOf(p: CorednsImagePod): string | undefined {
  if (p.owner?.kind === 'Deployment') return p.owner.name;
  const hash = p.labels['pod-template-hash'];
  if (p.owner?.kind !== 'ReplicaSet' || !hash || !p.owner.name.endsWith(`-${hash}`)) return undefined;
  return p.owner.name.slice(0, -hash.length - 1);
}

/**
 * When the Service has no endpoints at all, a selector, and pods run CoreDNS that the selector does not
 * match: what the selector asks for, what the pods carry, and the two ways to make them agree.
 */
export function selectorMismatch(ep: EndpointsEvidence): SelectorMismatch | undefined {
  const selector = ep.service.selector ?? {};
  const pods = ep.corednsImagePods ?? [];
  if (ep.endpoints.length > 0 || Object.keys(selector).length === 0 || pods.length === 0) return undefined;
  if (pods.some((p) => matches(selector, p.labels))) return undefined;
  const { namespace, name } = ep.service;
  const shared = sharedLabels(pods);
  const missing = Object.entries(selector).filter(([k, v]) => pods.every((p) => p.labels[k] !== v));
  const ready = pods.filter((p) => p.ready);
  const podList = listText(pods.map((p) => `${p.name}${p.ready ? ' (ready)' : ' (not ready)'}`));
  const text =
    `The DNS Service ${namespace}/${name}${ep.service.clusterIP ? ` (${ep.service.clusterIP})` : ''} selects ${labelText(selector)}, and no pod in ${namespace} carries ${Object.keys(selector).length > 1 ? 'all of those labels' : 'that label'}, so it has no endpoints. ` +
    `The pods that run CoreDNS (${podList}, image ${pods[0]!.image}) carry ${labelText(shared) || 'no label in common'}` +
    `${ready.length > 0 ? `; ${ready.length === pods.length ? 'they are' : `${ready.length} of them are`} ready, but the Service never sends them a query` : ''}.`;
  const cause =
    `The DNS Service ${namespace}/${name} selects ${labelText(selector)}, which no pod carries. ` +
    `The ${pods.length} CoreDNS pod${pods.length > 1 ? 's' : ''}${ready.length === pods.length ? `, ready,` : ''} carr${pods.length > 1 ? 'y' : 'ies'} ${labelText(shared) || 'other labels'} instead, so the Service has no endpoints.`;
  const steps: string[] = [];
  if (Object.keys(shared).length > 0) {
    const value = JSON.stringify([{ op: 'replace', path: '/spec/selector', value: shared }]);
    steps.push(`Point the Service at the labels the CoreDNS pods carry: kubectl -n ${namespace} patch service ${name} --type json -p '${value}' (a merge patch would keep the old ${missing.map(([k]) => k).join(', ')} key${missing.length > 1 ? 's' : ''} in the selector).`);
  }
  const deployments = [...new Set(pods.map(deploymentOf).filter((d): d is string => d !== undefined))];
  const add = JSON.stringify({ spec: { template: { metadata: { labels: Object.fromEntries(missing) } } } });
  steps.push(
    deployments.length === 1
      ? `Or give the CoreDNS pods the label the Service selects: kubectl -n ${namespace} patch deployment ${deployments[0]} --type merge -p '${add}' (this rolls the CoreDNS pods out again).`
      : `Or give the CoreDNS pods the label${missing.length > 1 ? 's' : ''} the Service selects (${labelText(Object.fromEntries(missing))}) in their workload's pod template (this rolls them out again).`,
  );
  steps.push('If a chart or an add-on manager owns the Service or CoreDNS, change its values instead, or it writes the old selector or labels back.');
  steps.push(`Then kubectl -n ${namespace} get endpointslices -l kubernetes.io/service-name=${name} lists the CoreDNS pods.`);
  return {
    text,
    cause,
    fix: { kind: 'advice', title: `Make the selector of ${namespace}/${name} match the CoreDNS pods`, blastRadius: 'Every pod that uses cluster DNS (it starts working again).', risk: 'low', steps },
    decisive: { selector: labelText(selector), podLabels: pods.map((p) => `${p.name}:${labelText(p.labels)}`).sort() },
  };
}
