/**
 * The Corefile engine as checks use it: the parsed `coredns` ConfigMap (parseCorefile) and
 * "who answers this name from this client" (the evaluator's explain), with the world built from the evidence
 * (cluster Services, the CoreDNS node's resolv.conf for `forward . /etc/resolv.conf`, the other
 * ConfigMap keys as files for `import`).
 */
import { parseCorefile, type ParseResult } from '../../core/corefile/parse.js';
import { explain, type EvalWorld, type Explanation } from '../../core/corefile/evaluate/index.js';
import { fileSourceOf } from '../../core/corefile/configmap-files.js';
import type { ClusterState } from '../../core/model/index.js';
import type { Facts } from './facts.js';

export type { Explanation };

const parsed = new WeakMap<Facts, ParseResult | null>();

/** The parsed Corefile of the evidence, or undefined when there is none or it has errors. */
export function parsedCorefile(f: Facts): ParseResult | undefined {
  if (!parsed.has(f)) {
    const ev = f.corefile;
    parsed.set(f, ev ? parseCorefile(ev.text, { files: fileSourceOf(ev.files) }) : null);
  }
  const p = parsed.get(f);
  return p && p.ok ? p : undefined;
}

/** Why the Corefile cannot be used ("no Corefile…", "does not parse: …"), or undefined when it can. */
export function corefileProblem(f: Facts): string | undefined {
  if (!f.corefile) return 'no Corefile in the evidence';
  if (parsedCorefile(f)) return undefined;
  const p = parsed.get(f);
  const err = p?.diagnostics.find((d) => d.severity === 'error');
  return `the Corefile in ${f.corefile.configMap.namespace}/${f.corefile.configMap.name} does not parse${err ? ` (${err.message}${err.pos ? `, line ${err.pos.line}` : ''})` : ''}`;
}

/** What the cluster looks like to the kubernetes plugin, as far as the evidence shows it. */
export function clusterState(f: Facts): ClusterState {
  return { namespaces: f.services?.namespaces ?? [], services: f.services?.services ?? [], endpoints: [], pods: [] };
}

/** The world the CoreDNS replicas run in; the node's resolvers come from a node-view probe on a CoreDNS node. */
export function evalWorld(f: Facts, corednsNode?: string): EvalWorld {
  const node = corednsNode ?? f.corednsNodes.find((n) => f.nodeNameservers(n)) ?? f.corednsNodes[0];
  const nodeResolvers = node ? f.nodeNameservers(node) : undefined;
  const files = f.corefile ? fileSourceOf(f.corefile.files) : undefined;
  return { cluster: clusterState(f), ...(nodeResolvers ? { nodeResolvers } : {}), ...(files ? { files } : {}) };
}

/**
 * Who answers `name` (type A, UDP port 53) from `client`, per the Corefile in the evidence, as the
 * replica on `corednsNode` would (its node's resolv.conf); undefined when there is no Corefile or it
 * does not parse (checks then fall back to the raw evidence).
 */
export function explainName(f: Facts, name: string, client: string, type = 'A', corednsNode?: string): Explanation | undefined {
  const p = parsedCorefile(f);
  if (!p) return undefined;
  try {
    return explain(p.model, { name, type, client }, evalWorld(f, corednsNode));
  } catch {
    return undefined;
  }
}
