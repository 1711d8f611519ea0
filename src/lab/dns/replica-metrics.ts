/**
 * The counters one CoreDNS replica exports on :9153/metrics, in Prometheus text format with
 * CoreDNS's metric names and labels. A restarted replica starts from zero, as a new process does.
 */

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${esc(labels[k]!)}"`).join(',')}}`;
}

/** A counter family: samples keyed by their label set. */
class Counter {
  private readonly samples = new Map<string, { labels: Record<string, string>; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Record<string, string> = {}, by = 1): void {
    // Label sets are built in a fixed key order by the callers, so values alone identify a sample.
    const k = Object.values(labels).join('\u0000');
    const s = this.samples.get(k);
    if (s) s.value += by;
    else this.samples.set(k, { labels, value: by });
  }

  get(labels: Record<string, string> = {}): number {
    return this.samples.get(Object.values(labels).join('\u0000'))?.value ?? 0;
  }

  text(type = 'counter'): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${type}`];
    for (const s of this.samples.values()) lines.push(`${this.name}${labelText(s.labels)} ${s.value}`);
    return lines.join('\n');
  }
}

const server = 'dns://:53';

/** One replica's counters. */
export class ReplicaMetrics {
  readonly requests = new Counter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.');
  readonly responses = new Counter('coredns_dns_responses_total', 'Counter of response status codes.');
  readonly cacheHits = new Counter('coredns_cache_hits_total', 'The count of cache hits.');
  readonly cacheMisses = new Counter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.');
  readonly forwardRequests = new Counter('coredns_forward_requests_total', 'Counter of requests made per upstream.');
  readonly forwardResponses = new Counter('coredns_forward_responses_total', 'Counter of responses received per upstream.');
  readonly healthcheckFailures = new Counter('coredns_forward_healthcheck_failures_total', 'Counter of the number of failed healthchecks.');
  readonly reloadFailed = new Counter('coredns_reload_failed_total', 'Counter of the number of failed reload attempts.');
  /** sha512 hex of the loaded Corefile. */
  loadedHash: string | undefined;

  /** Counts one request as CoreDNS's metrics plugin does. */
  request(proto: 'udp' | 'tcp', type: string, zone = '.'): void {
    this.requests.inc({ server, zone, view: '', proto, family: '1', type });
  }

  response(rcode: string, plugin = '', zone = '.'): void {
    this.responses.inc({ server, zone, view: '', rcode, plugin });
  }

  cache(result: 'hit' | 'miss', type: 'success' | 'denial' = 'success', zones = '.'): void {
    if (result === 'hit') this.cacheHits.inc({ server, zones, view: '', type });
    else this.cacheMisses.inc({ server, zones, view: '' });
  }

  /** The exposition text served at /metrics. */
  text(): string {
    const reload = [
      '# HELP coredns_reload_version_info A metric with a constant \'1\' value labeled by hash, and value which type of hash generated.',
      '# TYPE coredns_reload_version_info gauge',
      ...(this.loadedHash ? [`coredns_reload_version_info{hash="sha512",value="${this.loadedHash}"} 1`] : []),
    ].join('\n');
    if (this.reloadFailed.get() === 0) this.reloadFailed.inc({}, 0);
    return (
      [
        this.requests.text(),
        this.responses.text(),
        this.cacheHits.text(),
        this.cacheMisses.text(),
        this.forwardRequests.text(),
        this.forwardResponses.text(),
        this.healthcheckFailures.text(),
        reload,
        this.reloadFailed.text(),
      ].join('\n') + '\n'
    );
  }
}
