/**
 * Fixes for search-suffix-wins: make the resolver try the name as written first (a lower ndots on the
 * workload, proven by the candidate order; a trailing dot), or take the domain out of the search list.
 * Never a pin of the suffixed name: that hides the cause for one name and breaks when the address moves.
 */
import type { Fix, FixSimulation, PodDnsConfig } from '../../core/model/index.js';
import { candidateNames, countDots, parseResolvConf } from '../../core/resolver/index.js';
import type { Facts } from '../lib/facts.js';
import { listText, normName } from '../lib/names.js';
import type { SuffixWin } from '../lib/search-suffix.js';
import { dnsConfigFix, dnsOptionsFix } from '../lib/workload.js';

/** The resolv.conf text with ndots replaced (or added). */
function withNdots(text: string, ndots: number): string {
  const lines = text.split('\n').filter((l) => !/^\s*options\b/.test(l));
  const opts = (/^\s*options\s+(.*)$/m.exec(text)?.[1] ?? '').split(/\s+/).filter((o) => o && !o.startsWith('ndots:'));
  return [...lines, `options ${[`ndots:${ndots}`, ...opts].join(' ')}`].join('\n');
}

function ndotsSimulation(f: Facts, w: SuffixWin, ndots: number): FixSimulation | undefined {
  const text = f.resolvConfEvidence?.text;
  const libc = f.lookup?.libc ?? 'glibc';
  if (!text) return undefined;
  const before = candidateNames(w.written, parseResolvConf(text), libc).map(normName);
  const after = candidateNames(w.written, parseResolvConf(withNdots(text, ndots)), libc).map(normName);
  if (after[0] !== w.written) return undefined;
  // A short in-cluster name (one dot) is still completed by the search list when ndots > 1.
  const short = `kubernetes.default`;
  const shortBefore = candidateNames(short, parseResolvConf(text), libc).map(normName)[0];
  const shortAfter = candidateNames(short, parseResolvConf(withNdots(text, ndots)), libc).map(normName)[0];
  return {
    failing: {
      name: w.written,
      type: 'A',
      client: f.pod.ip,
      before: `first tried as ${before[0]}; ${w.candidate} ${w.stopped ? 'stops the lookup with no address' : `answers ${listText(w.candidateAddrs)}`}`,
      after: `first tried as written: ${w.written} answers ${listText(w.writtenAddrs)}`,
      changed: true,
    },
    controls: [{ name: short, type: 'A', client: f.pod.ip, before: `first tried as ${shortBefore}`, after: `first tried as ${shortAfter}`, changed: shortBefore !== shortAfter }],
    proof: `With ndots:${ndots} the ${libc} resolver sends ${w.written}. first (${countDots(w.written)} dots ≥ ${ndots}), and the DNS Service answered that name with ${listText(w.writtenAddrs)}.`,
  };
}

/** Fixes, most targeted first. */
export function suffixWinFixes(f: Facts, w: SuffixWin): Fix[] {
  const fixes: Fix[] = [];
  const ndots = Math.max(1, countDots(w.written));
  const sim = ndotsSimulation(f, w, ndots);
  const wp = dnsOptionsFix(f.pod, [{ name: 'ndots', value: String(ndots) }], {
    title: `Lower ndots to ${ndots} so ${w.written} is tried as written first`,
    changes: `sets options ndots:${ndots} in the pod template's dnsConfig: names with ${ndots} or more dots are asked as written before any search suffix`,
    risk: ndots === 1 ? 'medium' : 'low',
  });
  if (wp) {
    wp.blastRadius += ` Names with fewer than ${ndots} dot${ndots === 1 ? '' : 's'} still get ${w.domain} appended first, so short names can still be caught by it.`;
    if (sim) wp.simulation = sim;
    fixes.push(wp);
  }
  // The domain came from the pod's own dnsConfig: drop it there (the rest of the list stays).
  const searches = f.pod.dnsConfig?.searches ?? [];
  if (searches.some((s) => normName(s) === w.domain)) {
    const next: PodDnsConfig = { ...f.pod.dnsConfig, searches: searches.filter((s) => normName(s) !== w.domain) };
    const rm = dnsConfigFix(f.pod, next, {
      title: `Remove ${w.domain} from this workload's dnsConfig searches`,
      changes: `dnsConfig.searches without ${w.domain}: no name is tried with that suffix any more`,
      risk: 'medium',
    });
    if (rm) {
      rm.blastRadius += ` Short names that relied on ${w.domain} (a bare host name) stop resolving from these pods.`;
      fixes.push(rm);
    }
  }
  fixes.push({
    kind: 'advice',
    title: 'Ask for the name as written',
    blastRadius: 'Only the application that changes its configuration.',
    risk: 'low',
    steps: [`Write the name with a trailing dot in the application's configuration (${w.written}.): the resolver then never appends a search domain.`],
  });
  const fromNode = !searches.some((s) => normName(s) === w.domain);
  fixes.push({
    kind: 'advice',
    title: `Take ${w.domain} out of the search list`,
    blastRadius: fromNode ? `Every pod on the nodes whose resolv.conf lists ${w.domain}.` : 'The pods of this workload.',
    risk: 'medium',
    steps: fromNode
      ? [
          `${w.domain} comes from the node's resolv.conf, which kubelet appends to every ClusterFirst pod's search list. Remove it there (DHCP search option, netplan or NetworkManager "search", cloud-init), or point kubelet's resolvConf at a file without it, then restart the pods.`,
          w.wildcard ? `Or remove the wildcard record for *.${w.domain}: with it, every name tried with that suffix exists.` : `Or remove the record ${w.candidate} if nobody meant it to exist.`,
        ]
      : [`Remove ${w.domain} from dnsConfig.searches of the workload.`],
  });
  return fixes;
}
