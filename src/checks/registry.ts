/**
 * The checks, in the order they run and are listed (explicit, like typescript-eslint's rule index:
 * no discovery, no import side effects). Order is also the tie-break between findings of equal
 * severity and confidence, so the root-cause checks come first.
 *
 * This is the only list of checks: the lab scenario schema, the meta tests and the README's table
 * are checked against it, so a new check is its own folder plus one line here.
 */
import type { Check } from './define-check.js';
import { corednsCrashLoop } from './coredns-crash-loop/index.js';
import { noReadyDnsEndpoints } from './no-ready-dns-endpoints/index.js';
import { networkPolicyBlocksDns } from './network-policy-blocks-dns/index.js';
import { dnsEndpointUnreachable } from './dns-endpoint-unreachable/index.js';
import { dnsServiceVipUnreachable } from './dns-service-vip-unreachable/index.js';
import { truncatedAnswerTcpBlocked } from './truncated-answer-tcp-blocked/index.js';
import { podDnsPolicy } from './pod-dns-policy/index.js';
import { hostsFileOverride } from './hosts-file-override/index.js';
import { searchSuffixWins } from './search-suffix-wins/index.js';
import { clusterDomainShadowing } from './cluster-domain-shadowing/index.js';
import { staticAnswerUnreachable } from './static-answer-unreachable/index.js';
import { upstreamSplitHorizon } from './upstream-split-horizon/index.js';
import { mixedUpstreams } from './mixed-upstreams/index.js';
import { forwardersLackZone } from './forwarders-lack-zone/index.js';
import { nodelocalDnsBypassesZone } from './nodelocal-dns-bypasses-zone/index.js';
import { danglingExternalname } from './dangling-externalname/index.js';
import { upstreamFailure } from './upstream-failure/index.js';
import { nameDoesNotExist } from './name-does-not-exist/index.js';
import { intermittentTimeouts } from './intermittent-timeouts/index.js';
import { searchPathAmplification } from './search-path-amplification/index.js';
import { healthy } from './healthy/index.js';

/** Every check, in run order. */
export const checks: readonly Check[] = [
  corednsCrashLoop,
  noReadyDnsEndpoints,
  networkPolicyBlocksDns,
  dnsEndpointUnreachable,
  dnsServiceVipUnreachable,
  truncatedAnswerTcpBlocked,
  podDnsPolicy,
  hostsFileOverride,
  searchSuffixWins,
  clusterDomainShadowing,
  staticAnswerUnreachable,
  upstreamSplitHorizon,
  mixedUpstreams,
  forwardersLackZone,
  nodelocalDnsBypassesZone,
  danglingExternalname,
  upstreamFailure,
  nameDoesNotExist,
  intermittentTimeouts,
  searchPathAmplification,
  healthy,
];

/** Every check id, in run order. */
export const checkIds: readonly string[] = checks.map((c) => c.id);

/** A check by id, or undefined. */
export function checkById(id: string): Check | undefined {
  return checks.find((c) => c.id === id);
}
