/**
 * Which addresses the lab's pods and Services hold, kept by the store's change events instead of
 * a scan of every pod per allocation (30,000 pods made each probe pod's address cost a scan), and
 * the pods' addresses as the cluster view lists them (namespace, name, IP of every pod with an IP
 * outside the host network, in key order), changed only when a pod's address facts change, so a
 * new probe pod costs an insert instead of a pass over every pod.
 */
import { key, type Change, type KubeObject } from './object-store.js';
import { lowerBound } from './sorted-keys.js';

/** A pod as the cluster view's address list has it. */
export interface PodAddress {
  namespace: string;
  name: string;
  ip: string;
}

export class AddressBook {
  /** Pod IPs and Service cluster IPs, with how many objects hold each. */
  private readonly held = new Map<string, number>();
  /** Addresses never handed out again: the scenario's own and every one allocated (a reply to an old IP never reaches a new pod). */
  private readonly reserved: Set<string>;
  private podAddresses = 0;
  /** Pods with an address, sorted by key (namespace/name), with their keys beside them. */
  private readonly podKeys: string[] = [];
  private readonly podEntries: PodAddress[] = [];
  private podListCopy: readonly PodAddress[] | undefined;

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

  /** Moves when podList() changes: a pod's IP or hostNetwork changes, or a pod with an IP is created or deleted. */
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
    if (ch.resource !== 'pods') return;
    const listedBefore = !!was && !hostNetwork(before);
    const listedNow = !!now && !hostNetwork(after);
    if (listedBefore === listedNow && was === now) return;
    this.podAddresses += 1;
    this.podListCopy = undefined;
    const k = key(ch.object.metadata.namespace, ch.object.metadata.name);
    const i = lowerBound(this.podKeys, k);
    const present = this.podKeys[i] === k;
    if (listedNow) {
      const entry = { namespace: ch.object.metadata.namespace ?? '', name: ch.object.metadata.name, ip: now! };
      if (present) this.podEntries[i] = entry;
      else {
        this.podKeys.splice(i, 0, k);
        this.podEntries.splice(i, 0, entry);
      }
    } else if (present) {
      this.podKeys.splice(i, 1);
      this.podEntries.splice(i, 1);
    }
  }

  /** Every pod with an IP outside the host network, in key order: a new array after each change, the same one until then. */
  podList(): readonly PodAddress[] {
    this.podListCopy ??= [...this.podEntries];
    return this.podListCopy;
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
