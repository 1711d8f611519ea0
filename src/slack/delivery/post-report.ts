/**
 * post-report: delivers everything the cluster workers produce to Slack, from the app process
 * (the only one with the Slack token). Each message is posted once per (job id, step) through the
 * post ledger, so retries after a Slack error or a crash never duplicate a post and never re-run
 * a diagnosis. Reports create the fix proposals (idempotently), reference findings already
 * reported in the channel within the hour, and upload evidence that did not fit.
 */
import type { Job } from 'bullmq';
import type { Finding, Report } from '../../core/model/index.js';
import type { FingerprintLedger } from '../../store/fingerprint-ledger.js';
import type { PostReportJobData, PostReportJobResult } from '../../queue/job-data.js';
import { shortHash } from '../../queue/job-id.js';
import type { PostLedger } from '../../store/post-ledger.js';
import type { ApplicableFix, ProposalStore } from '../../store/proposal-store.js';
import type { RunningDiagnoses } from '../../store/running-diagnoses.js';
import { renderApplyResult, renderNotice, renderRollbackResult } from '../blocks/apply-blocks.js';
import { renderFixDecided, renderFixProposal } from '../blocks/fix-blocks.js';
import { renderTrendPng } from '../blocks/health-chart.js';
import { renderHealth } from '../blocks/health-blocks.js';
import { renderProgress } from '../blocks/progress-blocks.js';
import { renderReport, type EarlierReport } from '../blocks/report-blocks.js';
import { escapeMrkdwn, slackDate } from '../blocks/text.js';
import { postOnce, uploadOnce } from '../poster/idempotent-post.js';
import type { RenderedFile } from '../blocks/block-types.js';
import { renderUploadFallback } from '../blocks/upload-fallback.js';
import { isSlackUnreachable } from '../slack-connection.js';
import type { SlackPoster } from '../poster/slack-poster.js';

export interface PostReportDeps {
  poster: SlackPoster;
  ledger: PostLedger;
  proposals: ProposalStore;
  fingerprints: FingerprintLedger;
  running: RunningDiagnoses;
  proposalTtlSeconds: number;
  /** Where degraded deliveries (no permalink, an upload posted inline) are noted. */
  log?: { warn(obj: unknown, msg?: string): void };
}

/** The proposal id of fix j of finding i in a report (stable across re-runs of the post job). */
export function proposalIdFor(diagnoseJobId: string, findingIndex: number, fixIndex: number): string {
  return `fix-${shortHash(`${diagnoseJobId}|${findingIndex}|${fixIndex}`)}`;
}

function isApplicable(f: Finding['fixes'][number]): f is ApplicableFix {
  return f.kind === 'corefile-patch' || f.kind === 'workload-patch';
}

function podRef(r: Report): string {
  return `${r.pod.namespace}/${r.pod.name}`;
}

/** Builds the post-report processor. */
export function createPostReportProcessor(deps: PostReportDeps) {
  const { poster, ledger } = deps;

  /**
   * Uploads a file once; when the upload fails for another reason than Slack being unreachable
   * (which delays the whole delivery), its beginning is posted inline with a note instead, so the
   * rest of the delivery (the fix buttons) never waits on an upload.
   */
  async function uploadOrInline(k: string, to: { channel: string; threadTs?: string }, f: RenderedFile, comment: string): Promise<string> {
    try {
      return await uploadOnce(poster, ledger, k, to, f, comment);
    } catch (err) {
      if (isSlackUnreachable(err)) throw err;
      const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      deps.log?.warn({ err: reason, file: f.filename }, 'file upload failed: posting its beginning inline');
      await postOnce(poster, ledger, `${k}-inline`, to, renderUploadFallback(f, reason));
      await ledger.record(k, 'inline');
      return 'inline';
    }
  }

  async function deliverReport(job: Job<PostReportJobData>, d: Extract<PostReportJobData, { kind: 'report' }>, posted: Record<string, string>): Promise<void> {
    const key = (step: string) => `${job.id}-${step}`;
    const report = d.report;
    const thread = { channel: d.thread.channel, threadTs: d.thread.threadTs };
    const askers = [...new Set([d.requestedBy, ...(await deps.running.askers(d.diagnoseJobId))])].sort();

    // Findings reported in this channel within the window, from another thread, are only referenced.
    const referenced: Record<string, EarlierReport> = {};
    for (const f of report.findings) {
      const earlier = await deps.fingerprints.lookup(thread.channel, f.fingerprint);
      if (earlier && earlier.threadTs !== thread.threadTs) referenced[f.fingerprint] = { permalink: earlier.permalink, at: earlier.at };
    }

    if (await ledger.advanceProgress(d.progressTs, Infinity)) {
      await poster.update(thread.channel, d.progressTs, renderProgress({ name: report.name, pod: podRef(report), cluster: d.cluster, step: `Done in ${(report.durationMs / 1000).toFixed(1)} s: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}`, done: 1, total: 1, phase: 'done' }));
    }
    const { messages, files } = renderReport(report, { askers, referenced });
    for (const [i, m] of messages.entries()) posted[`report-${i}`] = (await postOnce(poster, ledger, key(`report-${i}`), thread, m)).ts;
    for (const [i, f] of files.entries()) posted[`file-${i}`] = await uploadOrInline(key(`file-${i}`), thread, f, 'Complete report (evidence that did not fit in the messages above)');
    // Without a permalink the findings are not remembered for de-duplication (a later report
    // then shows them in full instead of linking here): the fix buttons never wait for it.
    const permalink = await poster.permalink(thread.channel, posted['report-0']!).catch((err: unknown) => {
      if (isSlackUnreachable(err)) throw err;
      deps.log?.warn({ err: (err as Error).message, channel: thread.channel }, 'chat.getPermalink failed: findings of this report are not linked from later reports');
      return undefined;
    });
    const at = new Date().toISOString();

    for (const [i, f] of report.findings.entries()) {
      if (referenced[f.fingerprint]) continue;
      if (permalink) await deps.fingerprints.remember(thread.channel, f.fingerprint, { threadTs: thread.threadTs, permalink, at });
      for (const [j, fix] of f.fixes.entries()) {
        if (!isApplicable(fix)) continue;
        const id = proposalIdFor(d.diagnoseJobId, i, j);
        const expiresAt = Date.now() + deps.proposalTtlSeconds * 1000;
        await deps.proposals.create({
          id,
          cluster: d.cluster,
          thread,
          target: { pod: podRef(report), name: report.name, ...(report.port ? { port: report.port } : {}) },
          checkId: f.checkId,
          fingerprint: f.fingerprint,
          fix,
          object:
            fix.kind === 'corefile-patch'
              ? { kind: 'ConfigMap', namespace: fix.target.namespace, name: fix.target.name, ...(fix.target.resourceVersion ? { resourceVersion: fix.target.resourceVersion } : {}) }
              : { kind: fix.target.kind, namespace: fix.target.namespace, name: fix.target.name, ...(fix.target.resourceVersion ? { resourceVersion: fix.target.resourceVersion } : {}) },
          requestedBy: d.requestedBy,
          createdAt: at,
          expiresAt,
        });
        const stored = await deps.proposals.get(id);
        const res = await postOnce(poster, ledger, key(`fix-${i}-${j}`), thread, renderFixProposal(fix, id, new Date(stored?.expiresAt ?? expiresAt).toISOString()));
        await deps.proposals.setMessageTs(id, res.ts);
        posted[`fix-${i}-${j}`] = res.ts;
      }
    }
    await deps.running.finish(d.dedupeKey, d.diagnoseJobId);
  }

  return async (job: Job<PostReportJobData, PostReportJobResult>): Promise<PostReportJobResult> => {
    const d = job.data;
    const posted: Record<string, string> = {};
    const key = (step: string) => `${job.id}-${step}`;
    switch (d.kind) {
      case 'progress': {
        if (await ledger.advanceProgress(d.progressTs, d.seq)) {
          await poster.update(d.thread.channel, d.progressTs, renderProgress({ name: d.target.name, pod: d.target.namespace ? `${d.target.namespace}/${d.target.pod}` : d.target.pod, cluster: d.cluster, step: d.step, done: d.done, total: d.total, phase: 'running' }));
        }
        return { posted };
      }
      case 'report':
        await deliverReport(job, d, posted);
        return { posted };
      case 'diagnosis-failed': {
        const pod = d.target.namespace ? `${d.target.namespace}/${d.target.pod}` : d.target.pod;
        if (await ledger.advanceProgress(d.progressTs, Infinity)) {
          await poster.update(d.thread.channel, d.progressTs, renderProgress({ name: d.target.name, pod, cluster: d.cluster, step: 'Diagnosis failed (see below)', done: 0, total: 1, phase: 'failed' }));
        }
        const hint = d.candidates && d.candidates.length > 0 ? `\nDid you mean: ${d.candidates.map((c) => `\`${escapeMrkdwn(c)}\``).join(', ')}?` : '';
        posted.failed = (await postOnce(poster, ledger, key('failed'), d.thread, renderNotice(`:x: Could not diagnose \`${escapeMrkdwn(d.target.name)}\` from \`${escapeMrkdwn(pod)}\`: ${escapeMrkdwn(d.message)}${hint}`))).ts;
        await deps.running.finish(d.dedupeKey, d.diagnoseJobId);
        return { posted };
      }
      case 'apply-result': {
        const p = await deps.proposals.get(d.proposalId);
        if (!p) return { posted };
        const at = p.changedAt ?? new Date().toISOString();
        posted.result = (
          await postOnce(poster, ledger, key('result'), p.thread, renderApplyResult({ proposalId: p.id, title: p.fix.title, approvedBy: p.actor ?? 'unknown', at, outcome: d.outcome, message: d.message, ...(d.verified !== undefined ? { verified: d.verified } : {}), ...(d.verification ? { verification: d.verification } : {}), ...(d.reloadNote ? { reloadNote: d.reloadNote } : {}) }))
        ).ts;
        await deps.proposals.setResultTs(p.id, posted.result);
        if (p.messageTs) {
          const decided = d.outcome === 'applied' ? `Applied ${slackDate(at)} (approved by <@${p.actor}>)${d.verified ? ', verified' : ', not verified'}.` : d.outcome === 'conflict' ? 'Not applied: the target changed since the diagnosis.' : 'Applying failed.';
          await poster.update(p.thread.channel, p.messageTs, renderFixDecided(p.fix, p.id, decided)).catch(() => undefined);
        }
        return { posted };
      }
      case 'health':
        posted.health = (await postOnce(poster, ledger, key('health'), { channel: d.channel }, renderHealth(d.summary, d.requestedBy, { scheduled: d.scheduled === true }))).ts;
        // The trend chart (when one matters) goes in the summary's thread, uploaded once per job.
        if (d.trend) posted.healthChart = await uploadOrInline(key('health-chart'), { channel: d.channel, threadTs: posted.health }, { filename: 'dns-health-trend.png', title: d.trend.title, content: '', binary: renderTrendPng(d.trend.values) }, d.trend.why);
        return { posted };
      case 'rollback-result': {
        const p = await deps.proposals.get(d.proposalId);
        if (!p) return { posted };
        posted.result = (await postOnce(poster, ledger, key('result'), p.thread, renderRollbackResult({ title: p.fix.title, user: p.actor ?? 'unknown', at: p.changedAt ?? new Date().toISOString(), outcome: d.outcome, message: d.message }))).ts;
        return { posted };
      }
    }
  };
}
