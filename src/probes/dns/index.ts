/** DNS probes over real packets: client, stub resolver, TCP connect, burst. */
export { queryDns, toDnsQueryEvidence, type DnsClientOptions, type DnsQueryResult } from './dns-client.js';
export { lookup, type LookupOptions, type LookupResult } from './stub-resolver.js';
export { tcpConnect, toTcpConnectEvidence, type TcpConnectResult } from './tcp-connect.js';
export { runBurst, toBurstEvidence, burstBuckets, type BurstOptions, type BurstResult } from './burst.js';
