/**
 * hosts-file-override: the pod's /etc/hosts (hostAliases) pins the name, so DNS is never asked; the
 * pinned address differs from what DNS answers, or does not accept TCP from the pod.
 */
import type { Finding, Fix } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText, normName, sameSet } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { hostAliasesFix, noOwnerReason } from '../lib/workload.js';
import { compareZoneAnswers } from '../lib/zone-answers.js';

const id = 'hosts-file-override';

const meta: CheckMeta = {
  title: 'The pod\'s /etc/hosts pins the name',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.hostAliases],
  messages: {
    'pinned-unreachable': { severity: 'error', text: '/etc/hosts pins the name to an address that does not accept TCP from the pod' },
    'pinned-differs': { severity: 'info', text: '/etc/hosts pins the name to an address that differs from DNS' },
  },
};

/** hosts-file-override implements Check: /etc/hosts pins the name. */
export const hostsFileOverride = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const hf = f.hostsFile;
    const fromAliases = f.pod.hostAliases.filter((h) => h.hostnames.some((n) => normName(n) === f.name)).map((h) => h.ip);
    const fromFile = hf ? hf.entries.filter((e) => e.names.some((n) => normName(n) === f.name)).map((e) => e.ip) : [];
    const pinned = [...new Set(fromFile.length > 0 ? fromFile : fromAliases)].sort();
    if (pinned.length === 0) return [];
    const source = fromAliases.length > 0 ? `the pod's hostAliases (${listText(fromAliases)})` : 'an /etc/hosts entry that is not from hostAliases';
    const z = compareZoneAnswers(f);
    const dns = z.clusterAddrs.length > 0 ? z.clusterAddrs : z.localAddrs;
    const reach = pinned.map((ip) => ({ ip, r: f.reach(ip) }));
    const unreachable = reach.every((x) => x.r.verdict === 'unreachable');
    const dnsReachable = dns.filter((ip) => f.reach(ip).verdict === 'reachable');
    const refs = [...(hf ? [hf.id] : []), ...reach.flatMap((x) => x.r.refs), ...z.clusterRefs];
    const dnsText = dns.length > 0 ? `DNS answers ${listText(dns)}${dnsReachable.length > 0 ? ` (${listText(dnsReachable)} accept${dnsReachable.length === 1 ? 's' : ''} TCP from ${f.describeNode(f.pod.node)})` : ''}` : 'dnswhy has no DNS answer to compare with';
    const fixes: Fix[] = [];
    if (unreachable) {
      const replacement = dnsReachable;
      const wp = hostAliasesFix(f.pod, f.name, replacement, {
        title: replacement.length > 0 ? `Pin ${f.name} to ${listText(replacement)} instead` : `Remove the ${f.name} pin and let DNS answer`,
        risk: 'low',
      });
      if (wp && fromAliases.length > 0) fixes.push(wp);
      else fixes.push({ kind: 'advice', title: `Remove the /etc/hosts entry for ${f.name}`, blastRadius: 'This pod.', risk: 'low', steps: [fromAliases.length > 0 ? `${noOwnerReason(f.pod)}; recreate it without the hostAliases entry for ${f.name}.` : `The entry is not from hostAliases: look for an init container, entrypoint script or image layer that writes /etc/hosts.`] });
      return [
        makeFinding(id, meta, 'pinned-unreachable', {
          explanation: `${f.pod.namespace}/${f.pod.name} resolves ${f.name} from /etc/hosts, through ${source}: ${listText(pinned)}, without asking DNS. From ${f.describeNode(f.pod.node)} that address does not accept TCP (${reach.map((x) => `${x.ip}: ${x.r.detail}`).join('; ')}). ${dnsText}.`,
          evidenceRefs: refs,
          fixes,
          confidence: 0.95,
          decisive: { name: f.name, pinned, dns: [...dns].sort() },
        }),
      ];
    }
    if (dns.length === 0 || sameSet(dns, pinned)) return [];
    return [
      makeFinding(id, meta, 'pinned-differs', {
        explanation: `${f.pod.namespace}/${f.pod.name} resolves ${f.name} from /etc/hosts (${source}) to ${listText(pinned)}, while ${dnsText}. The pin ${reach.some((x) => x.r.verdict === 'reachable') ? 'accepts TCP, so it works today' : 'was not tested for TCP'}, but it will not follow DNS changes.`,
        evidenceRefs: refs,
        confidence: 0.5,
        decisive: { name: f.name, pinned, dns: [...dns].sort() },
      }),
    ];
  },
});

export default hostsFileOverride;
