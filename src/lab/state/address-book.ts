/**
 * Which addresses the lab's pods and Services hold, kept by the store's change events instead of
 * a scan of every pod per allocation (30,000 pods made each probe pod's address cost a scan), and
 * a revision that moves only when a pod's address facts change (its IP or hostNetwork, or a pod
 * with an IP comes or goes), so views of pod addresses survive status-only writes.
 */
import type { Change, KubeObject } from './object-store.js';

export class AddressBook {
  /** Pod IPs and Service cluster IPs, with how many objects hold each. */
  private readonly held = new Map<string, number>();
  /** Addresses never handed out again: the scenario's own and every one allocated (a reply to an old IP never reaches a new pod). */
  private readonly reserved: Set<string>;
  private podAddresses = 0;

  constructor(reserved: Iterable<string>) {
    this.reserved = new Set(reserved);
  }

  /** True when the address may not be given to a new pod or Service. */
  isUsed(ip: string): boolean {
    return this.reserved.has(ip) || this.held.has(ip);
  }

  reserve(ip: string): void {
    this.reserved.add(ip);
  }

  /** Moves when a pod's IP or hostNetwork changes, or a pod with an IP is created or deleted. */
  get podAddressRevision(): number {
    return this.podAddresses;
  }

  /** Store change listener. */
  changed(ch: Change): void {
    if (ch.resource !== 'pods' && ch.resource !== 'services') return;
    const before = ch.type === 'ADDED' ? undefined : (ch.previous ?? (ch.type === 'DELETED' ? ch.object : undefined));
    const after = ch.type === 'DELETED' ? undefined : ch.object;
    const ipOf = ch.resource === 'pods' ? podIp : serviceIp;
    const was = before && ipOf(before);
    const now = after && ipOf(after);
    if (was !== now) {
      if (was) this.release(was);
      if (now) this.held.set(now, (this.held.get(now) ?? 0) + 1);
    }
    if (ch.resource === 'pods' && (was !== now || (!!now && hostNetwork(before) !== hostNetwork(after)))) this.podAddresses += 1;
  }

  private release(ip: string): void {
    const n = (this.held.get(ip) ?? 0) - 1;
    if (n > 0) this.held.set(ip, n);
    else this.held.delete(ip);
  }
}

const podIp = (o: KubeObject): string | undefined => (o['status'] as { podIP?: string } | undefined)?.podIP || undefined;
const serviceIp = (o: KubeObject): string | undefined => (o['spec'] as { clusterIP?: string } | undefined)?.clusterIP || undefined;
const hostNetwork = (o: KubeObject | undefined): boolean => !!(o?.['spec'] as { hostNetwork?: boolean } | undefined)?.hostNetwork;
