import { describe, expect, it } from 'vitest';
import { parseCorednsMetrics, parsePrometheusText } from '../../../src/core/metrics/prometheus-metrics.js';

const text = `# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.
# TYPE coredns_dns_requests_total counter
coredns_dns_requests_total{family="1",proto="udp",server="dns://:53",type="A",zone="."} 100
coredns_dns_requests_total{family="1",proto="tcp",server="dns://:53",type="A",zone="."} 5
coredns_dns_responses_total{plugin="forward",rcode="NOERROR",server="dns://:53",zone="."} 90
coredns_dns_responses_total{plugin="",rcode="NXDOMAIN",server="dns://:53",zone="."} 15
coredns_cache_hits_total{server="dns://:53",type="success",zones=".",view=""} 40
coredns_cache_requests_total{server="dns://:53",zones=".",view=""} 105
coredns_forward_requests_total{to="192.168.7.2:53"} 65
coredns_forward_responses_total{rcode="NOERROR",to="192.168.7.2:53"} 60
coredns_forward_responses_total{rcode="SERVFAIL",to="192.168.7.2:53"} 5
coredns_forward_healthcheck_failures_total{to="192.168.7.2:53"} 3
coredns_reload_version_info{hash="sha512",value="9f86d0"} 1
coredns_panics_total 0
garbage line without value
weird_metric{a="x\\"y"} NaN
`;

describe('Prometheus text and CoreDNS metrics', () => {
  it('parses samples, escaped labels, and skips malformed lines', () => {
    const s = parsePrometheusText(`m{a="x\\"y",b="z"} 1.5\nbad\nn +Inf\n`);
    expect(s).toEqual([
      { name: 'm', labels: { a: 'x"y', b: 'z' }, value: 1.5 },
      { name: 'n', labels: {}, value: Infinity },
    ]);
  });

  it('sums the counters checks use and reads the loaded config hash', () => {
    const m = parseCorednsMetrics(text);
    expect(m).toEqual({
      requests: 105,
      responsesByRcode: { NOERROR: 90, NXDOMAIN: 15 },
      cacheHits: 40,
      cacheMisses: 65,
      forwardRequests: { '192.168.7.2:53': 65 },
      forwardResponsesByRcode: { '192.168.7.2:53': { NOERROR: 60, SERVFAIL: 5 } },
      healthcheckFailures: { '192.168.7.2:53': 3 },
      reloadHash: '9f86d0',
      panics: 0,
    });
  });
});
