/** A short, position-free description of how a query is answered, for before/after comparisons. */
import type { Explanation } from '../evaluate/index.js';

/** "NOERROR A 10.0.0.1, A 10.0.0.2" / "NXDOMAIN (SOA cluster.local.)" / "forwarded to 10.0.0.2:53" / "no reply". */
export function answerSignature(e: Explanation): string {
  if (e.dropped) return 'no reply (dropped)';
  if (e.forwardTo) return e.forwardTo.length ? `forwarded to ${e.forwardTo.map((u) => `${u.ip}:${u.port}`).join(', ')}` : 'SERVFAIL (no upstream)';
  const recs = e.answers.map((a) => `${a.type} ${a.data}`).sort();
  if (recs.length) return `${e.rcode} ${recs.join(', ')}`;
  const soa = e.authority.find((a) => a.type === 'SOA');
  const kind = e.rcode === 'NOERROR' ? 'NODATA' : e.rcode;
  return soa ? `${kind} (SOA ${soa.name})` : kind;
}
