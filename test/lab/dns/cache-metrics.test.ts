/**
 * The emulated CoreDNS counts cache lookups as CoreDNS does (coredns_cache_misses_total,
 * coredns_cache_hits_total{type}), with the real Corefile engine and real packets.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { queryDns } from '../../../src/probes/dns/dns-client.js';

const scenario = join(import.meta.dirname, '..', '..', '..', 'scenarios', 'healthy-cluster.yaml');
let lab: Lab;

beforeAll(async () => {
  lab = await startLab(scenario);
});
afterAll(async () => {
  await lab?.stop();
});

function counter(text: string, name: string, type?: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && (type === undefined || l.includes(`type="${type}"`)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('lab CoreDNS cache metrics', () => {
  it('a repeated name is a miss, then a success hit; a repeated unknown name a denial hit', async () => {
    const replica = lab.scenario.coredns.pods[0]!;
    const opts = { network: lab.network, sourceIp: lab.scenario.pods[0]!.ip };
    // The loop plugin's start-up probe went through the cache too (one miss), as it does in CoreDNS.
    const missesAtStart = counter(lab.dns!.metricsText(replica.name)!, 'coredns_cache_misses_total');
    for (let i = 0; i < 2; i++) {
      expect((await queryDns({ ip: replica.ip }, 'payments.shop.svc.cluster.local', 'A', opts)).rcode).toBe('NOERROR');
      expect((await queryDns({ ip: replica.ip }, 'nobody.shop.svc.cluster.local', 'A', opts)).rcode).toBe('NXDOMAIN');
    }
    const text = lab.dns!.metricsText(replica.name)!;
    expect(counter(text, 'coredns_cache_misses_total') - missesAtStart).toBe(2);
    expect(counter(text, 'coredns_cache_hits_total', 'success')).toBe(1);
    expect(counter(text, 'coredns_cache_hits_total', 'denial')).toBe(1);
  });
});
