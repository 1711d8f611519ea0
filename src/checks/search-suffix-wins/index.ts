/**
 * search-suffix-wins: with ndots and the search list, the name is first tried with a search domain
 * appended, and that suffixed name exists (a wildcard or a real record under the domain, typically the
 * node's own search domain): the lookup stops there and the pod gets the wrong address, or (musl) an
 * empty answer. The name as written, asked as an absolute name, answers something else.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { searchSuffixWin, type SuffixWin } from '../lib/search-suffix.js';
import { suffixWinFixes } from './fix.js';

const id = 'search-suffix-wins';

const meta: CheckMeta = {
  title: 'A search suffix answers before the name as written',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  messages: {
    'suffix-answers-first': { severity: 'error', text: 'A search domain answers for the name before it is tried as written, with another address' },
    'suffix-stops-lookup': { severity: 'error', text: 'A search domain\'s reply for the suffixed name stops the lookup before the name is tried as written' },
  },
};

function reachText(f: Facts, addrs: string[]): string {
  const parts = addrs.map((ip) => ({ ip, r: f.reach(ip) })).filter((x) => x.r.verdict !== 'unknown');
  return parts.length > 0 ? ` (TCP from ${f.describeNode(f.pod.node)}: ${parts.map((x) => `${x.ip} ${x.r.detail}`).join('; ')})` : '';
}

function explanation(f: Facts, w: SuffixWin): string {
  const conf = f.resolvConf;
  const ndots = conf?.options.ndots;
  const l = f.lookup!;
  const parts = [
    `${w.written} has fewer dots than ndots:${ndots ?? '?'}, so the ${l.libc} resolver of ${f.pod.namespace}/${f.pod.name} tries the search list (${(conf?.search ?? []).join(' ')}) before the name as written.`,
    w.stopped
      ? w.stoppedWith === 'SERVFAIL'
        ? `The resolver for ${w.domain} answered ${w.candidate} with SERVFAIL, and ${l.libc} stops the lookup at a SERVFAIL: ${w.written} fails before it is ever asked as written.`
        : w.stoppedWith === 'REFUSED'
        ? `The resolver for ${w.domain} answered ${w.candidate} with REFUSED; ${l.libc} ignores that reply and waits for another until its timeout, so ${w.written} fails before it is ever asked as written.`
        : `${w.candidate} exists without an address (NOERROR, no records), and ${l.libc} stops the lookup there: ${w.written} fails with NODATA.`
      : `${w.candidate} answered ${listText(w.candidateAddrs)}${reachText(f, w.candidateAddrs)}, so the lookup stopped there and the application connects to that address.`,
    `Asked as written (${w.written}.), ${w.writtenSource === 'dns-service' ? 'the cluster DNS' : 'the upstream resolver'} answers ${listText(w.writtenAddrs)}${reachText(f, w.writtenAddrs)}: that is the name the application meant.`,
  ];
  if (w.wildcard) parts.push(`${w.domain} answers any name: ${w.wildcard.qname}, a name nobody created, got ${listText(w.wildcard.addrs)}, so a wildcard record under ${w.domain} catches every name tried with that suffix.`);
  parts.push(`The cause is the search domain ${w.domain}, not the upstream answer or the pod's network; pinning ${w.candidate} or ${w.written} would hide it for one name only.`);
  return parts.join(' ');
}

/** search-suffix-wins implements Check: a search-list candidate answers in place of the name as written. */
export const searchSuffixWins = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const w = searchSuffixWin(f);
    if (!w) return [];
    const refs = [w.lookupRef, ...(f.resolvConfEvidence ? [f.resolvConfEvidence.id] : []), ...w.writtenRefs, ...(w.wildcard ? [w.wildcard.ref] : []), ...[...w.candidateAddrs, ...w.writtenAddrs].flatMap((ip) => f.reach(ip).refs)];
    return [
      makeFinding(id, meta, w.stopped ? 'suffix-stops-lookup' : 'suffix-answers-first', {
        explanation: explanation(f, w),
        evidenceRefs: refs,
        fixes: suffixWinFixes(f, w),
        confidence: w.wildcard ? 0.95 : 0.85,
        decisive: { name: w.written, candidate: w.candidate, candidateAddrs: w.candidateAddrs, writtenAddrs: w.writtenAddrs },
      }),
    ];
  },
});

export default searchSuffixWins;
