/**
 * The Prometheus metrics of a dnswhy process (app, worker or both), served at `GET /metrics` on
 * the ops port. One registry per process (not prom-client's global one), so that tests and a
 * process running both roles never count twice. The names and labels are listed in
 * docs/operations.md; the code that knows what happened (a job, the Slack poster) records it.
 *
 * Queue depth is not counted but read from Redis at each scrape, for the clusters a source names.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OpsServer } from './ops-server.js';

/** The four queue states a scrape reports (BullMQ's names). */
export const queueStates = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof queueStates)[number];

/** The job counts of one cluster's queue. */
export interface QueueDepth {
  cluster: string;
  counts: Partial<Record<QueueState, number>>;
}

/** Reads the depth of the queues this process cares about (called at each scrape). */
export type QueueDepthSource = () => Promise<QueueDepth[]>;

export class DnswhyMetrics {
  readonly registry = new Registry();
  /** One per diagnose job attempt: verdict broken | healthy | inconclusive, or error when it threw. */
  readonly diagnoses: Counter<'cluster' | 'verdict'>;
  /** One per finding a diagnosis raised, by the check that raised it. */
  readonly findings: Counter<'cluster' | 'check'>;
  readonly diagnosisSeconds: Histogram<'cluster' | 'verdict'>;
  /** One per probe pod a diagnosis ran: succeeded | failed | timed-out | forbidden | cleanup-failed. */
  readonly probePods: Counter<'cluster' | 'outcome'>;
  /** One per apply-fix job attempt: applied | conflict | skipped | failed (the attempt threw). */
  readonly fixApplies: Counter<'cluster' | 'outcome'>;
  /** One per rollback job attempt: rolled-back | conflict | skipped | failed. */
  readonly rollbacks: Counter<'cluster' | 'outcome'>;
  /** Slack Web API calls that failed for good, by method and Slack's error code. */
  readonly slackErrors: Counter<'method' | 'error'>;
  /** 429 answers from the Slack Web API (each one waited out and retried, or given up on). */
  readonly slackRateLimited: Counter<'method'>;
  private readonly queueSources: QueueDepthSource[] = [];

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'dnswhy_' });
    this.diagnoses = new Counter({ name: 'dnswhy_diagnoses_total', help: 'Diagnose job attempts by verdict (error: the attempt failed)', labelNames: ['cluster', 'verdict'], registers });
    this.findings = new Counter({ name: 'dnswhy_findings_total', help: 'Findings raised by diagnoses, by check id', labelNames: ['cluster', 'check'], registers });
    this.diagnosisSeconds = new Histogram({
      name: 'dnswhy_diagnosis_duration_seconds',
      help: 'Wall time of a diagnose job attempt',
      labelNames: ['cluster', 'verdict'],
      // A healthy lab diagnosis takes well under a second; a cluster with probe pods, tens of seconds.
      buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    });
    this.probePods = new Counter({ name: 'dnswhy_probe_pods_total', help: 'Probe pods run by diagnoses, by outcome', labelNames: ['cluster', 'outcome'], registers });
    this.fixApplies = new Counter({ name: 'dnswhy_fix_applies_total', help: 'apply-fix job attempts by outcome', labelNames: ['cluster', 'outcome'], registers });
    this.rollbacks = new Counter({ name: 'dnswhy_rollbacks_total', help: 'rollback job attempts by outcome', labelNames: ['cluster', 'outcome'], registers });
    this.slackErrors = new Counter({ name: 'dnswhy_slack_api_errors_total', help: 'Slack Web API calls that failed for good, by method and error', labelNames: ['method', 'error'], registers });
    this.slackRateLimited = new Counter({ name: 'dnswhy_slack_rate_limited_total', help: 'HTTP 429 answers from the Slack Web API, by method', labelNames: ['method'], registers });
    const sources = this.queueSources;
    new Gauge({
      name: 'dnswhy_queue_jobs',
      help: 'Jobs on a cluster queue, by state (read from Redis at scrape time)',
      labelNames: ['cluster', 'state'],
      registers,
      async collect() {
        this.reset();
        const all = await Promise.all(sources.map((s) => s().catch(() => [] as QueueDepth[])));
        for (const { cluster, counts } of all.flat()) {
          for (const state of queueStates) this.set({ cluster, state }, counts[state] ?? 0);
        }
      },
    });
  }

  /** Adds clusters whose queue depth each scrape reports. */
  addQueueSource(source: QueueDepthSource): void {
    this.queueSources.push(source);
  }

  /** Serves the registry at /metrics on the ops server. */
  serveOn(ops: OpsServer): void {
    ops.route('/metrics', async (_req, res) => {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
    });
  }
}
