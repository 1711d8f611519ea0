/**
 * How code that sends packets reaches a cluster address. In a real cluster this is the identity
 * (dial the address itself, let the kernel pick the source). In the embedded lab every cluster IP
 * is mapped to its own 127.0.0.0/8 address and a port; this mapping is the only difference between
 * the lab and a real cluster for the probes.
 */
export interface NetworkPosition {
  /**
   * Socket address to send to for a cluster address and port. `from` is the cluster identity the
   * caller sends from (what it passed to bindAddress); a real cluster ignores it, the lab uses it
   * to emulate network rules the kernel would apply before any userspace listener (TCP drop/reject).
   */
  dial(ip: string, port: number, proto: 'udp' | 'tcp', from?: string): { host: string; port: number };
  /** Local address to bind so the packet carries the given cluster identity, or undefined to let the kernel choose. */
  bindAddress(clusterIp: string | undefined): string | undefined;
  /** The cluster address behind a socket address (for reporting who answered), or the input when unmapped. */
  reverse(host: string, port: number): { ip: string; port: number };
}

/** The identity position used against a real cluster. */
export const directNetwork: NetworkPosition = {
  dial: (ip, port) => ({ host: ip, port }),
  bindAddress: () => undefined,
  reverse: (host, port) => ({ ip: host, port }),
};
