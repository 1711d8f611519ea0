/**
 * post-report: delivers everything the cluster workers produce to Slack, from the app process
 * (the only one with the Slack token). Each message is posted once per (job id, step) through the
 * post ledger, so retries after a Slack error or a crash never duplicate a post and never re-run
 * a diagnosis. A report becomes one message (report-blocks.ts) with a proposal behind each fix of
 * each cause (created idempotently), and the parent message is updated with the verdict; findings
 * already reported in the channel within the hour are referenced. Apply and rollback results re-prove
 * the report's other fixes against the re-run and update the report message in place.
 */
import type { Job } from 'bullmq';
import type { Finding, Report } from '../../core/model/index.js';
import { briefOf } from '../../core/report/brief.js';
import { changeHash, isApplicable } from '../../core/report/change-view.js';
import { reproveFix, type RerunFinding } from '../../core/report/reprove.js';
import type { QueueLogger } from '../../queue/connection.js';
import type { FingerprintLedger } from '../../store/fingerprint-ledger.js';
import type { PostReportJobData, PostReportJobResult, StartDiagnosisJobData, ThreadRef } from '../../queue/job-data.js';
import { shortHash } from '../../queue/job-id.js';
import type { PostLedger } from '../../store/post-ledger.js';
import type { ApplicableFix, Proposal, ProposalStore } from '../../store/proposal-store.js';
import type { ReportStore } from '../../store/report-store.js';
import type { RunningDiagnoses } from '../../store/running-diagnoses.js';
import type { PendingHealth } from '../../store/pending-health.js';
import { renderApplyResult, renderNotice, renderRollbackResult } from '../blocks/apply-blocks.js';
import { renderParentVerdict } from '../blocks/command-blocks.js';
import { fixObjectName } from '../blocks/fix-blocks.js';
import { renderTrendPng } from '../blocks/health-chart.js';
import { renderHealth } from '../blocks/health-blocks.js';
import { renderProgress } from '../blocks/progress-blocks.js';
import type { EarlierReport } from '../blocks/report-blocks.js';
import { proposedSlots, slotKey } from '../blocks/report-view.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { refreshReport, renderStoredReport } from '../flows/report-thread.js';
import { postOnce } from '../poster/idempotent-post.js';
import { uploadOrInline } from '../poster/upload-or-inline.js';
import { isSlackUnreachable } from '../slack-connection.js';
import { inviteHint, slackErrorWord, type SlackPoster } from '../poster/slack-poster.js';

export interface PostReportDeps {
  poster: SlackPoster;
  ledger: PostLedger;
  proposals: ProposalStore;
  fingerprints: FingerprintLedger;
  running: RunningDiagnoses;
  /** On-demand health summaries on their way: the next `/dns health` may ask again once delivery starts. */
  pendingHealth?: PendingHealth;
  reports: ReportStore;
  proposalTtlSeconds: number;
  log?: QueueLogger;
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
  /** Starts a diagnosis the listener queued after its ack (flows/start-diagnosis.ts; the app passes it). */
  startDiagnosis?: (data: StartDiagnosisJobData) => Promise<void>;
}

/** The proposal id of fix j of finding i in a report (stable across re-runs of the post job). */
export function proposalIdFor(diagnoseJobId: string, findingIndex: number, fixIndex: number): string {
  return `fix-${shortHash(`${diagnoseJobId}|${findingIndex}|${fixIndex}`)}`;
}

/** The report id of a diagnosis (what Show details and Other fixes carry). */
export function reportIdFor(diagnoseJobId: string): string {
  return `rep-${shortHash(`report|${diagnoseJobId}`)}`;
}

function podRef(r: Report): string {
  return `${r.pod.namespace}/${r.pod.name}`;
}

function objectOf(fix: ApplicableFix): Proposal['object'] {
  return fix.kind === 'corefile-patch'
    ? { kind: 'ConfigMap', namespace: fix.target.namespace, name: fix.target.name, ...(fix.target.resourceVersion ? { resourceVersion: fix.target.resourceVersion } : {}) }
    : { kind: fix.target.kind, namespace: fix.target.namespace, name: fix.target.name, ...(fix.target.resourceVersion ? { resourceVersion: fix.target.resourceVersion } : {}) };
}

/** Builds the post-report processor. */
export function createPostReportProcessor(deps: PostReportDeps) {
  const { poster, ledger } = deps;

  async function newProposal(input: { id: string; cluster: string; thread: ThreadRef; report: Report; finding: Finding; fix: ApplicableFix; requestedBy: string; reportId: string; slot: { finding: number; fix: number } }): Promise<void> {
    await deps.proposals.create({
      id: input.id,
      cluster: input.cluster,
      thread: input.thread,
      target: { pod: podRef(input.report), name: input.report.name, ...(input.report.port ? { port: input.report.port } : {}) },
      checkId: input.finding.checkId,
      fingerprint: input.finding.fingerprint,
      fix: input.fix,
      object: objectOf(input.fix),
      requestedBy: input.requestedBy,
      createdAt: new Date().toISOString(),
      expiresAt: Date.now() + deps.proposalTtlSeconds * 1000,
      reportId: input.reportId,
      slot: input.slot,
    });
  }

  async function deliverReport(job: Job<PostReportJobData>, d: Extract<PostReportJobData, { kind: 'report' }>, posted: Record<string, string>): Promise<void> {
    const key = (step: string) => `${job.id}-${step}`;
    const report = d.report;
    const thread = { channel: d.thread.channel, threadTs: d.thread.threadTs };
    // The question is closed before its askers are read: whoever asks it from now on starts a new
    // diagnosis instead of joining one whose report (and list of people to mention) is already
    // being written. The askers set outlives the entry, so a retry of this delivery still has it.
    await deps.running.finish(d.dedupeKey, d.diagnoseJobId);
    const askers = [...new Set([d.requestedBy, ...(await deps.running.askers(d.diagnoseJobId))])].sort();

    // Findings reported in this channel within the window, from another thread, are only referenced.
    const referenced: Record<string, EarlierReport> = {};
    for (const f of report.findings) {
      const earlier = await deps.fingerprints.lookup(thread.channel, f.fingerprint);
      if (earlier && earlier.threadTs !== thread.threadTs) referenced[f.fingerprint] = { permalink: earlier.permalink, at: earlier.at };
    }

    // Final from here on: no progress step waiting in line may overwrite it. The message itself says
    // "Done" after the report is posted: under Slack's chat.update limit the answer must not wait
    // behind the thread's progress updates. (Written on every run of this delivery: saying "Done" twice is harmless.)
    await ledger.advanceProgress(d.progressTs, Infinity);

    // The report, and one proposal per fix that can be applied of each cause (never of a finding below warn).
    const reportId = reportIdFor(d.diagnoseJobId);
    await deps.reports.create({ id: reportId, cluster: d.cluster, thread, report, requestedBy: d.requestedBy, askers, referenced, createdAt: new Date().toISOString() });
    const brief = briefOf(report);
    const stored = await deps.reports.get(reportId);
    // A diagnose-only worker's fixes get no proposal: nothing to approve, so no button can enqueue an apply.
    for (const s of report.applyDisabled ? [] : proposedSlots(report, referenced)) {
      const slot = slotKey(s.finding, s.fix);
      if (stored?.slots[slot]) continue;
      const id = proposalIdFor(d.diagnoseJobId, s.finding, s.fix);
      const finding = report.findings[s.finding]!;
      await newProposal({ id, cluster: d.cluster, thread, report, finding, fix: finding.fixes[s.fix] as ApplicableFix, requestedBy: d.requestedBy, reportId, slot: s });
      await deps.reports.setSlot(reportId, slot, { proposalId: id });
    }
    const record = (await deps.reports.get(reportId))!;
    const res = await postOnce(poster, ledger, key('report-0'), thread, await renderStoredReport(deps, record));
    posted['report-0'] = res.ts;
    await deps.reports.setMessageTs(reportId, res.ts);
    for (const s of Object.values(record.slots)) await deps.proposals.setMessageTs(s.proposalId, res.ts);
    await poster.update(thread.channel, d.progressTs, renderProgress({ name: report.name, pod: podRef(report), cluster: d.cluster, step: `Done in ${(report.durationMs / 1000).toFixed(1)} s: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}, ${report.evidence.length} evidence items`, done: 1, total: 1, phase: 'done' }));

    // The parent message shows the verdict in the channel, without opening the thread.
    const first = brief.causes[0];
    const headline = first ? first.finding.title : (brief.healthy?.title ?? 'no DNS problem found');
    const fixKind = first?.recommended === undefined ? undefined : isApplicable(first.finding.fixes[first.recommended]!) ? ('proposed' as const) : ('advice' as const);
    await poster
      .update(thread.channel, thread.threadTs, renderParentVerdict({ name: report.name, pod: podRef(report), cluster: d.cluster, user: d.requestedBy, verdict: report.verdict, headline, ...(fixKind ? { fix: fixKind } : {}) }))
      .catch((err: Error) => deps.log?.warn({ err: err.message }, 'could not update the parent message'));

    // Without a permalink the findings are not remembered for de-duplication (a later report
    // then shows them in full instead of linking here): the fix buttons never wait for it.
    const permalink = await poster.permalink(thread.channel, res.ts).catch((err: unknown) => {
      if (isSlackUnreachable(err)) throw err;
      deps.log?.warn({ err: (err as Error).message, channel: thread.channel }, 'chat.getPermalink failed: findings of this report are not linked from later reports');
      return undefined;
    });
    const at = new Date().toISOString();
    for (const f of report.findings) {
      if (referenced[f.fingerprint] || !permalink) continue;
      await deps.fingerprints.remember(thread.channel, f.fingerprint, { threadTs: thread.threadTs, permalink, at });
    }
  }

  /**
   * After an apply or a rollback: each other fix of the report is re-proven against the re-run made
   * on the new state. Its cause gone, or no such fix any more: superseded (buttons removed). The same
   * change: still valid, said so. A different change: a new proposal replaces it, said so.
   */
  async function reprove(changed: Proposal, rerun: RerunFinding[] | undefined, event: 'applied' | 'rolled back'): Promise<void> {
    if (!changed.reportId) return;
    const r = await deps.reports.get(changed.reportId);
    if (!r) return;
    const what = changed.object.kind === 'ConfigMap' ? (event === 'applied' ? 'the new Corefile' : 'the restored Corefile') : `the ${event === 'applied' ? 'patched' : 'restored'} ${changed.object.kind}`;
    for (const [slot, s] of Object.entries(r.slots)) {
      if (s.proposalId === changed.id) continue;
      const p = await deps.proposals.get(s.proposalId);
      if (!p || !p.slot) continue;
      // Decided by a person (applied, dismissed, rolled back): left as it is.
      if (!['pending', 'superseded', 'conflict'].includes(p.status)) continue;
      const finding = r.report.findings[p.slot.finding];
      if (!finding) continue;
      if (!rerun) {
        if (p.status === 'pending' && event === 'applied') {
          await deps.proposals.transition(p.id, 'pending', 'superseded', 'dnswhy');
          await deps.reports.setSlot(r.id, slot, { ...s, note: `${changed.fix.title} was ${event} and the re-run failed, so this fix is no longer proven; run /dns why again.` });
        }
        continue;
      }
      const out = reproveFix(finding, p.fix, rerun);
      if (out.kind === 'cause-gone' || out.kind === 'no-such-fix') {
        if (p.status === 'pending') await deps.proposals.transition(p.id, 'pending', 'superseded', 'dnswhy');
        const why = out.kind === 'cause-gone' ? `after ${changed.fix.title} was ${event}, the re-run no longer shows this cause.` : `after ${changed.fix.title} was ${event}, the re-run no longer offers this fix.`;
        await deps.reports.setSlot(r.id, slot, { ...s, note: why });
        continue;
      }
      if (out.kind === 'same' && p.status === 'pending') {
        await deps.reports.setSlot(r.id, slot, { ...s, note: `Still valid: re-proven against ${what} after ${changed.fix.title} was ${event}.` });
        continue;
      }
      // A different change (or a superseded one that applies again): a fresh proposal takes the slot.
      const fix = out.fix as ApplicableFix;
      if (p.status === 'pending') await deps.proposals.transition(p.id, 'pending', 'superseded', 'dnswhy');
      const id = `fix-${shortHash(`${p.id}|${changeHash(fix)}|${changed.id}|${event}`)}`;
      await newProposal({ id, cluster: r.cluster, thread: r.thread, report: r.report, finding, fix, requestedBy: r.requestedBy, reportId: r.id, slot: p.slot });
      if (r.messageTs) await deps.proposals.setMessageTs(id, r.messageTs);
      const rv = fix.target.resourceVersion ? `; it now targets resourceVersion ${fix.target.resourceVersion}` : '';
      await deps.reports.setSlot(r.id, slot, { proposalId: id, fix, note: `Re-proven by the re-run against ${what} after ${changed.fix.title} was ${event}${rv}.` });
    }
    await refreshReport(deps, r.id);
  }

  return async (job: Job<PostReportJobData, PostReportJobResult>): Promise<PostReportJobResult> => {
    const d = job.data;
    const posted: Record<string, string> = {};
    const key = (step: string) => `${job.id}-${step}`;
    switch (d.kind) {
      case 'start-diagnosis':
        if (!deps.startDiagnosis) throw new Error('this delivery worker cannot start diagnoses (no Slack listeners)');
        await deps.startDiagnosis(d);
        return { posted };
      case 'progress': {
        if (await ledger.advanceProgress(d.progressTs, d.seq)) {
          await poster.updateIfNotLimited(d.thread.channel, d.progressTs, renderProgress({ name: d.target.name, pod: d.target.namespace ? `${d.target.namespace}/${d.target.pod}` : d.target.pod, cluster: d.cluster, step: d.step, done: d.done, total: d.total, phase: 'running', ...(d.early ? { early: d.early } : {}), ...(deps.docsBaseUrl ? { docsBaseUrl: deps.docsBaseUrl } : {}) }));
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
        if (d.verified !== undefined) await deps.proposals.setVerified(p.id, d.verified);
        const details = p.reportId ? (await deps.reports.get(p.reportId))?.details : undefined;
        posted.result = (
          await postOnce(
            poster,
            ledger,
            key('result'),
            p.thread,
            renderApplyResult({
              proposalId: p.id,
              title: p.fix.title,
              approvedBy: p.actor ?? 'unknown',
              at,
              outcome: d.outcome,
              message: d.message,
              change: changeHash(p.fix),
              object: fixObjectName(p.fix),
              ...(p.object.resourceVersion ? { resourceVersionBefore: p.object.resourceVersion } : {}),
              ...(p.applied?.resourceVersion ? { resourceVersionAfter: p.applied.resourceVersion } : {}),
              ...(details?.link ? { detailsLink: details.link } : {}),
              ...(d.verified !== undefined ? { verified: d.verified } : {}),
              ...(d.verification ? { verification: d.verification } : {}),
              ...(d.reloadNote ? { reloadNote: d.reloadNote } : {}),
            }),
          )
        ).ts;
        await deps.proposals.setResultTs(p.id, posted.result);
        if (d.outcome === 'applied') await reprove(p, d.rerun, 'applied');
        else if (p.reportId) await refreshReport(deps, p.reportId);
        return { posted };
      }
      case 'health':
        if (!d.scheduled) await deps.pendingHealth?.release(d.summary.cluster, d.channel);
        try {
          posted.health = (await postOnce(poster, ledger, key('health'), { channel: d.channel }, renderHealth(d.summary, d.requestedBy, { scheduled: d.scheduled === true, ...(d.recent ? { recent: d.recent } : {}) }))).ts;
        } catch (err) {
          // Retrying cannot help until someone invites the bot: say how in the log, and let the next run try again.
          if (slackErrorWord(err) !== 'not_in_channel') throw err;
          deps.log?.warn({ channel: d.channel, cluster: d.summary.cluster, scheduled: d.scheduled === true, error: 'not_in_channel' }, `cannot post the DNS health summary: dnswhy is not a member of the channel; ${inviteHint(d.channel)}`);
          return { posted };
        }
        // The trend chart (when one matters) goes in the summary's thread, uploaded once per job.
        if (d.trend) posted.healthChart = await uploadOrInline(deps, key('health-chart'), { channel: d.channel, threadTs: posted.health }, { filename: 'dns-health-trend.png', title: d.trend.title, content: '', binary: await renderTrendPng(d.trend) }, d.trend.why);
        return { posted };
      case 'rollback-result': {
        const p = await deps.proposals.get(d.proposalId);
        if (!p) return { posted };
        posted.result = (await postOnce(poster, ledger, key('result'), p.thread, renderRollbackResult({ title: p.fix.title, user: p.actor ?? 'unknown', at: p.changedAt ?? new Date().toISOString(), outcome: d.outcome, message: d.message, change: changeHash(p.fix) }))).ts;
        if (d.outcome === 'rolled-back') await reprove(p, d.rerun, 'rolled back');
        else if (p.reportId) await refreshReport(deps, p.reportId);
        return { posted };
      }
    }
  };
}
