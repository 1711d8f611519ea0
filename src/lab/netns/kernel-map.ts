/**
 * The address map of the netns backend: every scenario address is real (it lives in its
 * namespace), so the mapping is the identity, and senders open their sockets in their own
 * namespaces (`clientSockets`). Nothing is mapped to loopback.
 */
import { AddressMap, type ClientSockets } from '../net/address-map.js';

const plain = (host: string) => host.replace(/^::ffff:/, '');

export class KernelAddressMap extends AddressMap {
  constructor(sockets: ClientSockets) {
    super();
    this.clientSockets = sockets;
  }

  override loopbackFor(ip: string): string {
    return ip;
  }

  override dial(ip: string, port: number): { host: string; port: number } {
    return { host: ip, port };
  }

  override bindAddress(clusterIp: string | undefined): string | undefined {
    return clusterIp;
  }

  override reverse(host: string, port: number): { ip: string; port: number } {
    return { ip: plain(host), port };
  }

  override clusterIpOf(host: string): string | undefined {
    return plain(host);
  }
}
