/**
 * Payload and result types of every job (`<Job>JobData` / `<Job>JobResult`). Plain JSON: they are
 * stored in Redis by BullMQ and read by processes of other versions, so only data, no classes.
 */
import type { HealthStatus, HealthSummary } from '../core/health/model.js';
import type { TrendChart, TrendPoint } from '../core/health/trend.js';
import type { DiagnosisTarget, Report } from '../core/model/index.js';
import type { RerunFinding } from '../core/report/reprove.js';

/** A Slack thread: the parent message of a diagnosis. */
export interface ThreadRef {
  channel: string;
  /** ts of the parent message. */
  threadTs: string;
}

/** diagnose: runs on the cluster's worker. */
export interface DiagnoseJobData {
  cluster: string;
  target: DiagnosisTarget;
  /** Slack user id of who asked first (others join through the running-diagnosis set). */
  requestedBy: string;
  thread: ThreadRef;
  /** ts of the progress message in the thread (updated as steps finish). */
  progressTs: string;
  /** Key of the running-diagnosis entry (same cluster+pod+name+port joins). */
  dedupeKey: string;
  /** Set when this diagnosis re-checks an applied fix (verification), not a user request. */
  verifiesProposal?: string;
  /** Slack's trigger_id of the click or command that asked (logs carry it: one grep follows a question). */
  slackRequest?: string;
}

export interface DiagnoseJobResult {
  verdict: Report['verdict'];
  findings: number;
  /** The check id of each finding, in report order (metrics count findings by check). */
  checks: string[];
  /** Id of the post-report job that delivers the report. */
  postJobId: string;
}

/** apply-fix: runs on the cluster's worker after an approver's click moved the proposal to `applying`. */
export interface ApplyFixJobData {
  proposalId: string;
  approvedBy: string;
  /** Slack's trigger_id of the click or command that asked (logs carry it: one grep follows a question). */
  slackRequest?: string;
}

/** How an apply ended, as the thread is told ('conflict': the target changed since the proposal). */
export type ApplyResultOutcome = 'applied' | 'conflict' | 'failed';

/** How a rollback ended, as the thread is told. */
export type RollbackResultOutcome = 'rolled-back' | 'conflict' | 'failed';

export interface ApplyFixJobResult {
  /** 'skipped': the proposal was no longer applying (another worker, or it expired). */
  outcome: ApplyResultOutcome | 'skipped';
  verified?: boolean;
}

/** rollback: restores the version kept by apply-fix. */
export interface RollbackJobData {
  proposalId: string;
  approvedBy: string;
  /** Slack's trigger_id of the click or command that asked (logs carry it: one grep follows a question). */
  slackRequest?: string;
}

export interface RollbackJobResult {
  outcome: RollbackResultOutcome | 'skipped';
}

/** A DNS health summary of one cluster (`/dns health`, schedules): the core model (src/core/health). */
export type { HealthSummary } from '../core/health/model.js';

/** health: runs on the cluster's worker. */
export interface HealthJobData {
  cluster: string;
  channel: string;
  requestedBy: string;
}

export interface HealthJobResult {
  /** Reasons that are not info (degraded or broken). */
  problems: number;
  status: HealthStatus;
}

/** A cause found before the evidence is complete, as the progress message names it. */
export interface EarlyCause {
  checkId: string;
  title: string;
  /** The check's documentation (a repository path or a URL). */
  docsUrl: string;
}

/**
 * A /dns why (or Diagnose again) to start, put on the post queue by the listener right after the
 * ack: the parent and progress posts, the claim, the thread record and the diagnose job's enqueue
 * are done by the delivery worker, off the loop that receives Slack's requests.
 */
export interface StartDiagnosisJobData {
  kind: 'start-diagnosis';
  channel: string;
  user: string;
  /** As asked (the delivery worker picks a live one when none is named). */
  cluster?: string;
  target: DiagnosisTarget;
  /** The diagnose job's id, chosen at the ack: a re-run of this job continues the same diagnosis. */
  diagnoseJobId: string;
  slackRequest?: string;
}

/** What a post-report job delivers. Each kind is posted idempotently (ledger keyed by job id + step). */
export type PostReportJobData =
  | StartDiagnosisJobData
  | { kind: 'progress'; thread: ThreadRef; progressTs: string; target: DiagnosisTarget; cluster: string; step: string; done: number; total: number; /** Order of updates within the diagnosis (deliveries may arrive out of order). */ seq: number; /** The causes found so far, while the deep probes still run. */ early?: EarlyCause[] }
  | { kind: 'report'; thread: ThreadRef; progressTs: string; cluster: string; report: Report; diagnoseJobId: string; requestedBy: string; dedupeKey: string }
  | { kind: 'diagnosis-failed'; thread: ThreadRef; progressTs: string; cluster: string; target: DiagnosisTarget; message: string; candidates?: string[]; dedupeKey: string; diagnoseJobId: string }
  | { kind: 'apply-result'; proposalId: string; outcome: ApplyResultOutcome; message: string; verified?: boolean; verification?: string; reloadNote?: string; /** The re-run's findings, to re-prove the report's other fixes against the new state. */ rerun?: RerunFinding[] }
  | { kind: 'rollback-result'; proposalId: string; outcome: RollbackResultOutcome; message: string; /** The re-run after the rollback, to re-prove the report's other fixes. */ rerun?: RerunFinding[] }
  | { kind: 'health'; channel: string; requestedBy: string; summary: HealthSummary; /** Produced by a job scheduler (`/dns schedule`), not asked now. */ scheduled?: boolean; /** Set when a trend matters: the chart (dated series, unit, threshold) and why. */ trend?: TrendChart; /** The last summaries' points, for the trend in text. */ recent?: TrendPoint[] };

export interface PostReportJobResult {
  /** ts of every message posted (or found already posted), by step. */
  posted: Record<string, string>;
}
