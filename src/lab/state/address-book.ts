/**
 * Which addresses the lab's pods and Services hold, kept by the store's change events instead of
 * a scan of every pod per allocation (30,000 pods made each probe pod's address cost a scan), and
 * the pods' addresses as the cluster view lists them (namespace, name, IP of every pod with an IP
 * outside the host network, in key order), changed only when a pod's address facts change, so a
 * new probe pod costs an insert instead of a pass over every pod.
 */
import { key, type Change, type KubeObject } from './object-store.js';
import { SortedByKey } from './sorted-keys.js';

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
  /** Pods with an address, sorted by key (namespace/name). */
  private readonly pods: SortedByKey<PodAddress>;
  private podListCopy: readonly PodAddress[] | undefined;

  /**
   * @param reserved - the scenario's own addresses
   * @param podAddresses - every pod with an IP outside the host network now (read when the list is first needed, or again after a burst of writes)
   */
  constructor(reserved: Iterable<string>, podAddresses: () => Iterable<PodAddress>) {
    this.reserved = new Set(reserved);
    this.pods = new SortedByKey((p) => key(p.namespace, p.name), podAddresses);
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
    if (listedNow) this.pods.put({ namespace: ch.object.metadata.namespace ?? '', name: ch.object.metadata.name, ip: now! });
    else this.pods.remove(key(ch.object.metadata.namespace, ch.object.metadata.name));
  }

  /** Every pod with an IP outside the host network, in key order: a new array after each change, the same one until then. */
  podList(): readonly PodAddress[] {
    this.podListCopy ??= [...this.pods.read().items];
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
