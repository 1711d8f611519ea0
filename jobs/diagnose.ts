/**
 * diagnose: runs the diagnosis on the cluster's worker and hands the report to the post queue
 * (delivery is a separate job: a Slack failure never re-runs the diagnosis). Progress is sent at
 * most once per interval. Permanent failures (pod not found, forbidden) are reported once and not
 * retried; transient ones retry with backoff and are reported when the last attempt fails.
 * Each attempt logs one line when it starts and one when it ends, with the job id and the Slack
 * request id of the question.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { DiagnoseJobData, DiagnoseJobResult, EarlyCause, PostReportJobData } from '../src/queue/job-data.js';
import type { EarlyCauses } from '../src/diagnosis/run-diagnosis.js';
import { jobId } from '../src/queue/job-id.js';
import { postJobOptions, progressJobOptions } from '../src/queue/job-options.js';
import { postJobName } from '../src/queue/names.js';
import type { Queues } from '../src/queue/queues.js';
import type { ClusterRuntime } from './cluster-runtime.js';
import type { QueueLogger } from '../src/queue/connection.js';
import { describeError, isPermanent } from './classify-error.js';

export interface DiagnoseDeps {
  runtime: ClusterRuntime;
  queues: Queues;
  /** Minimum spacing of progress updates. */
  progressIntervalMs?: number;
  log: QueueLogger;
}

/** Builds the diagnose processor. */
export function createDiagnoseProcessor(deps: DiagnoseDeps) {
  return async (job: Job<DiagnoseJobData, DiagnoseJobResult>): Promise<DiagnoseJobResult> => {
    const d = job.data;
    const id = job.id!;
    const post = (data: PostReportJobData, pid: string, opts = postJobOptions) => deps.queues.post.add(postJobName, data, { ...opts, jobId: pid });
    let lastProgress = 0;
    let seq = 0;
    // The causes found while the deep probes run: told at once, and kept in every later update.
    let early: EarlyCause[] | undefined;
    let last = { step: 'gathering evidence', done: 0, total: 1 };
    const sendProgress = (step: string, done: number, total: number) => {
      lastProgress = Date.now();
      last = { step, done, total };
      seq += 1;
      post({ kind: 'progress', thread: d.thread, progressTs: d.progressTs, target: d.target, cluster: d.cluster, step, done, total, seq: job.attemptsMade * 10_000 + seq, ...(early ? { early } : {}) }, jobId('progress', id, String(job.attemptsMade), String(seq)), progressJobOptions).catch((err: Error) =>
        deps.log.warn({ err: err.message }, 'could not enqueue a progress update'),
      );
    };
    const onProgress = (step: string, done: number, total: number) => {
      if (Date.now() - lastProgress < (deps.progressIntervalMs ?? 1000) && done < total) return;
      sendProgress(step, done, total);
    };
    const onEarlyCauses = (found: EarlyCauses) => {
      early = found.causes.map((f) => ({ checkId: f.checkId, title: f.title, docsUrl: f.docsUrl }));
      deps.log.info({ event: 'diagnosis-early-causes', job: id, checks: early.map((c) => c.checkId), atMs: found.atMs, waitingFor: found.waitingFor }, 'causes found before the evidence is complete');
      sendProgress(last.step, last.done, last.total);
    };
    const ids = { job: id, ...(d.slackRequest ? { slackRequest: d.slackRequest } : {}), cluster: d.cluster, attempt: job.attemptsMade + 1 };
    const target = `${d.target.namespace ? `${d.target.namespace}/` : ''}${d.target.pod} ${d.target.name}${d.target.port ? `:${d.target.port}` : ''}`;
    const started = Date.now();
    deps.log.info({ event: 'diagnosis-start', ...ids, target, requestedBy: d.requestedBy }, 'diagnosis started');
    let report;
    try {
      report = await deps.runtime.diagnose(d.target, onProgress, { onEarlyCauses });
    } catch (err) {
      const permanent = isPermanent(err);
      deps.log.info({ event: 'diagnosis-end', ...ids, target, outcome: 'error', error: describeError(err).message, permanent, ms: Date.now() - started }, 'diagnosis failed');
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastAttempt) {
        const { message, candidates } = describeError(err);
        await post({ kind: 'diagnosis-failed', thread: d.thread, progressTs: d.progressTs, cluster: d.cluster, target: d.target, message, ...(candidates ? { candidates } : {}), dedupeKey: d.dedupeKey, diagnoseJobId: id }, jobId('failed', id));
      }
      if (permanent) throw new UnrecoverableError(describeError(err).message);
      throw err;
    }
    deps.log.info({ event: 'diagnosis-end', ...ids, target, outcome: report.verdict, checks: report.findings.map((f) => f.checkId), notes: report.notes?.length ?? 0, ms: Date.now() - started }, `diagnosis ${report.verdict}`);
    const postJobId = jobId('report', id);
    await post({ kind: 'report', thread: d.thread, progressTs: d.progressTs, cluster: d.cluster, report: { ...report, cluster: report.cluster ?? d.cluster }, diagnoseJobId: id, requestedBy: d.requestedBy, dedupeKey: d.dedupeKey }, postJobId);
    return { verdict: report.verdict, findings: report.findings.length, checks: report.findings.map((f) => f.checkId), postJobId };
  };
}
