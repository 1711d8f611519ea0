/** One line per evidence item, for the "evidence" part of a finding in Slack. */
import type { Evidence } from '../model/index.js';

function origin(e: Evidence): string {
  const f = e.from;
  switch (f.kind) {
    case 'pod':
    case 'probe-pod':
      return `${f.namespace}/${f.name}`;
    case 'node':
      return `node ${f.name}`;
    case 'worker':
      return 'worker';
    case 'api':
      return 'API';
  }
}

/** A short, plain description of an evidence item: what was observed, from where. */
export function evidenceLine(e: Evidence): string {
  const head = `[${e.id}] ${origin(e)}:`;
  switch (e.kind) {
    case 'dns-query': {
      const who = `${e.resolver.label ?? e.resolver.role} ${e.resolver.ip}:${e.resolver.port}`;
      const ans = e.answers.map((a) => a.data).join(', ');
      const out = e.outcome === 'answer' ? `${e.rcode ?? 'NOERROR'}${ans ? ` ${ans}` : ''}` : e.outcome;
      return `${head} ${e.qname} ${e.qtype} via ${who}/${e.transport} → ${out} (${Math.round(e.latencyMs)} ms)`;
    }
    case 'lookup':
      return `${head} ${e.libc} lookup ${e.name} → ${e.result.ok ? e.result.addresses.join(', ') : e.result.error ?? 'failed'} after ${e.queries.length} queries (${Math.round(e.totalMs)} ms)`;
    case 'tcp-connect':
      return `${head} TCP ${e.ip}:${e.port} → ${e.ok ? 'connected' : e.error ?? 'failed'}`;
    case 'resolv-conf':
      return `${head} resolv.conf: ${e.text.trim().split('\n').filter((l) => !l.startsWith('#')).join(' | ')}`;
    case 'node-resolv-conf':
      return `${head} node ${e.node} resolv.conf nameservers ${e.nameservers.join(', ')}`;
    case 'hosts-file':
      return `${head} /etc/hosts: ${e.entries.length} entries`;
    case 'corefile':
      return `${head} Corefile from ConfigMap ${e.configMap.namespace}/${e.configMap.name}${e.configMap.resourceVersion ? ` (resourceVersion ${e.configMap.resourceVersion})` : ''}${e.custom ? `, with ${e.custom.namespace}/${e.custom.name} (${Object.keys(e.files).filter((p) => p.includes('/custom/')).length} keys)` : ''}`;
    case 'tool-output':
      if (e.stillWaitingAfterMs !== undefined) return `${head} ${e.argv.join(' ')} → still waiting after ${e.stillWaitingAfterMs} ms (libc waits 5 s per try)`;
      return `${head} ${e.argv.join(' ')} → exit ${e.exitCode}${e.parsed.addresses.length ? `, ${e.parsed.addresses.join(', ')}` : ''}`;
    case 'endpoints':
      return `${head} DNS Service ${e.service.clusterIP ?? ''}: ${e.endpoints.filter((x) => x.ready).length}/${e.endpoints.length} endpoints ready${e.corednsImagePods ? `; ${e.corednsImagePods.length} pod${e.corednsImagePods.length === 1 ? '' : 's'} run${e.corednsImagePods.length === 1 ? 's' : ''} a CoreDNS image` : ''}`;
    case 'burst':
      return `${head} burst ${e.count}×${e.qname} to ${e.target.ip}: ${e.ok} ok, ${e.timeouts} timeouts, ${e.retried} retried${e.late ? ` (${e.late} answered late, not lost)` : ''}, p99 ${Math.round(e.p99Ms)} ms`;
    case 'conntrack':
      return `${head} conntrack of ${e.node}: insert_failed=${e.insertFailed}${e.drop !== undefined ? `, drop=${e.drop}` : ''}${e.count !== undefined && e.max !== undefined ? `, ${e.count}/${e.max} entries` : ''}${e.source ? ` (${e.source})` : ''}`;
    case 'metrics':
      return `${head} metrics of ${e.pod}: ${e.metrics.requests} requests`;
    case 'network-policies':
      return `${head} ${e.policies.length} NetworkPolicies in ${e.namespace}`;
    case 'pod':
      return `${head} pod ${e.pod.namespace}/${e.pod.name} dnsPolicy ${e.pod.dnsPolicy} on ${e.pod.node}`;
    case 'nodes':
      return `${head} ${e.nodes.length} nodes`;
    case 'services':
      return `${head} ${e.services.length} services`;
    case 'nodelocaldns':
      return `${head} NodeLocal DNSCache ${e.present ? `present (${e.localIp ?? '?'})${e.corefile ? `, Corefile from ConfigMap ${e.corefile.namespace}/${e.corefile.name} (${e.corefile.text.split('\n').filter((l) => l.trim()).length} lines)` : ''}` : 'absent'}`;
    case 'pod-logs':
      return `${head} ${e.previous ? 'previous ' : ''}log of ${e.namespace}/${e.pod}: ${e.text.trim().split('\n').at(-1) ?? '(empty)'}`;
    case 'probe-error':
      return `${head} could not ${e.what}: ${e.reason}`;
  }
}
