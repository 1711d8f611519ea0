/**
 * NodeLocal DNSCache as checks see it: its Corefile from the node-local-dns ConfigMap, run-time
 * placeholders filled in as node-cache does, evaluated with the same engine as CoreDNS's Corefile from
 * the pod's address on the pod's node (whose resolv.conf `__PILLAR__UPSTREAM__SERVERS__` stands for).
 */
import { simulateEdit } from '../../core/corefile/edit/index.js';
import { explain, type EvalQuery, type EvalWorld, type Explanation } from '../../core/corefile/evaluate/index.js';
import { nodeLocalRuntimeCorefile } from '../../core/corefile/node-local.js';
import { parseCorefile } from '../../core/corefile/parse.js';
import { evidenceOfKind, type Fix, type NodeLocalDnsEvidence } from '../../core/model/index.js';
import { clusterState } from './corefile-engine.js';
import { baseControls } from './corefile-fix.js';
import type { Facts } from './facts.js';
import { fqdn, listText } from './names.js';

export interface NodeLocalView {
  evidence: NodeLocalDnsEvidence;
  localIp: string;
  configMap: string;
  /** What `__PILLAR__CLUSTER__DNS__` becomes: the kube-dns-upstream Service, else the DNS Service. */
  clusterDnsIp: string;
  /** The ConfigMap's Corefile as stored. */
  text: string;
  world: EvalWorld;
  explain(name: string, text?: string): Explanation | undefined;
}

/** The node-local cache on the pod's path, when the evidence has it with its Corefile. */
export function nodeLocalView(f: Facts): NodeLocalView | undefined {
  const ev = evidenceOfKind(f.evidence, 'nodelocaldns').find((n) => n.present && n.localIp && n.corefile);
  if (!ev?.localIp || !ev.corefile) return undefined;
  const upstreamSvc = f.services?.services.find((s) => s.name === 'kube-dns-upstream' && s.namespace === ev.corefile!.namespace && s.clusterIP && s.clusterIP !== 'None');
  const clusterDnsIp = upstreamSvc?.clusterIP ?? f.dnsServiceIp;
  if (!clusterDnsIp) return undefined;
  const nodeResolvers = f.nodeNameservers(f.pod.node);
  const world: EvalWorld = { cluster: clusterState(f), ...(nodeResolvers ? { nodeResolvers } : {}) };
  const stored = ev.corefile.text;
  return {
    evidence: ev,
    localIp: ev.localIp,
    configMap: `${ev.corefile.namespace}/${ev.corefile.name}`,
    clusterDnsIp,
    text: stored,
    world,
    explain(name, text = stored) {
      const p = parseCorefile(nodeLocalRuntimeCorefile(text, clusterDnsIp));
      if (!p.ok) return undefined;
      try {
        return explain(p.model, { name: fqdn(name), type: 'A', client: f.pod.ip }, world);
      } catch {
        return undefined;
      }
    },
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The server block to add to the node-local Corefile so `zone` goes to the cluster DNS like the
 * cluster domain does (its forward target and bind line copied as written), proven with the engine,
 * as advice: node-local-dns is changed by hand (dnswhy's apply writes only CoreDNS's ConfigMaps).
 */
export function nodeLocalZoneBlock(f: Facts, nl: NodeLocalView, zone: string): { fixes: Fix[]; note?: string } {
  const clusterBlock = new RegExp(`^${escape(f.clusterDomain)}(?::53)?\\s*\\{[\\s\\S]*?^\\s*forward\\s+\\.\\s+([^{\\n]+?)\\s*(?:\\{|$)`, 'm').exec(nl.text);
  const target = clusterBlock?.[1] ?? '__PILLAR__CLUSTER__DNS__';
  const bind = /^\s*bind\s+(.+?)\s*$/m.exec(nl.text)?.[1];
  const block = [`${zone}:53 {`, '    errors', '    cache 30', '    reload', ...(bind ? [`    bind ${bind}`] : []), `    forward . ${target}`, '}'].join('\n');
  const after = `${nl.text.replace(/\n*$/, '\n')}${block}\n`;
  const failing: EvalQuery = { name: fqdn(f.queryName), type: 'A', client: f.pod.ip };
  const controls = baseControls(f, zone);
  const before = nodeLocalRuntimeCorefile(nl.text, nl.clusterDnsIp);
  const sim = simulateEdit(before, nodeLocalRuntimeCorefile(after, nl.clusterDnsIp), failing, controls, nl.world);
  const afterEx = nl.explain(f.queryName, after);
  const proven = sim.fixesFailing && sim.onlyFailingChanged && (afterEx?.forwardTo ?? []).some((u) => u.ip === nl.clusterDnsIp);
  const steps = [
    `kubectl -n ${nl.configMap.split('/')[0]} edit configmap ${nl.configMap.split('/')[1]}, and add after the existing blocks:\n${block}`,
    'The node-local-dns pods load it through their reload plugin (or restart the DaemonSet: kubectl -n kube-system rollout restart daemonset node-local-dns).',
  ];
  if (proven) steps.push(`Simulated with the Corefile engine on the node-local Corefile: ${f.queryName} is then forwarded to ${nl.clusterDnsIp} (the cluster DNS, which answered it), while ${listText(controls.map((c) => c.name.replace(/\.$/, '')))} keep their answers.`);
  const fixes: Fix[] = [
    {
      kind: 'advice',
      title: `Send ${zone} from NodeLocal DNSCache to the cluster DNS`,
      blastRadius: `Every name under ${zone}, from every pod that uses the node-local cache.`,
      risk: 'low',
      steps,
    },
    {
      kind: 'advice',
      title: 'Or let NodeLocal DNSCache send every name to the cluster DNS',
      blastRadius: 'Every external name from every pod that uses the node-local cache: one more hop, and CoreDNS\'s configuration applies to all of them.',
      risk: 'medium',
      steps: [`In ${nl.configMap}, change the forward of the ".:53" block to "forward . ${target}", so zones CoreDNS forwards elsewhere (stub domains, forward zones, coredns-custom) are honoured on the node-local path too.`],
    },
  ];
  return { fixes, ...(proven ? {} : { note: `The block to add could not be proven with the engine (${sim.fixesFailing ? 'it also changes a control query' : 'it does not change the answer'}); check it by hand.` }) };
}
