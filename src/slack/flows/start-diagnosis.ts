/**
 * Starts (or joins) a diagnosis for a /dns why: picks the cluster, de-duplicates the same question
 * while one runs, posts the parent message and the progress message, and enqueues the job on the
 * cluster's queue. The listener only acks and puts the request on the post queue (queueStart); the
 * delivery worker runs startDiagnosis, so a burst of commands is acked without waiting behind the
 * Slack posts and Redis writes of the commands before it, and a Slack outage delays the thread
 * instead of losing the question. A re-run of the same start (its first run died or hit an
 * unreachable Slack part-way) carries on from what the first one recorded, posting nothing twice.
 */
import { clusterMaxRunning, waitingPosition } from '../../queue/cluster-capacity.js';
import { diagnoseJobOptions, startJobOptions } from '../../queue/job-options.js';
import type { DiagnosisTarget } from '../../core/model/diagnosis.js';
import type { DiagnoseJobData, StartDiagnosisJobData } from '../../queue/job-data.js';
import { jobId as jobIdOf, newJobId } from '../../queue/job-id.js';
import { clusterJobNames, postJobName } from '../../queue/names.js';
import { postOnce } from '../poster/idempotent-post.js';
import { isSlackUnreachable } from '../slack-connection.js';
import { RunningDiagnoses } from '../../store/running-diagnoses.js';
import { renderNotice } from '../blocks/apply-blocks.js';
import { renderParent } from '../blocks/command-blocks.js';
import { renderProgress } from '../blocks/progress-blocks.js';
import type { RenderedMessage } from '../blocks/block-types.js';
import type { SlackDeps } from '../deps.js';

export interface DiagnosisRequest {
  channel: string;
  user: string;
  cluster?: string;
  target: DiagnosisTarget;
  /** Slack's trigger_id of the command or click that asked. */
  slackRequest?: string;
  /** The diagnose job's id (a fresh one when unset); the same id on a re-run continues the same start. */
  diagnoseJobId?: string;
}

/**
 * What the receiving loop does for a /dns why after the ack: one enqueue on the post queue (one
 * Redis script call); the delivery worker starts the diagnosis.
 */
export async function queueStart(deps: Pick<SlackDeps, 'queues'>, req: DiagnosisRequest): Promise<void> {
  const diagnoseJobId = req.diagnoseJobId ?? newJobId('diag');
  const data: StartDiagnosisJobData = {
    kind: 'start-diagnosis',
    channel: req.channel,
    user: req.user,
    target: req.target,
    diagnoseJobId,
    ...(req.cluster ? { cluster: req.cluster } : {}),
    ...(req.slackRequest ? { slackRequest: req.slackRequest } : {}),
  };
  await deps.queues.post.add(postJobName, data, { ...startJobOptions, jobId: jobIdOf('start', diagnoseJobId) });
}

/** The answer to a question over the asker's in-flight limit (the /dns ack, or an ephemeral for a click). */
export function renderPerUserRefusal(inFlight: number, limit: number, name: string): RenderedMessage {
  return renderNotice(`:raised_hand: You already have ${inFlight} diagnos${inFlight === 1 ? 'is' : 'es'} queued or running, the most one person may have at once (${limit}). Ask again when one of them has answered; \`${name}\` was not queued.`);
}

/**
 * Picks the cluster for a request, or explains why it cannot: from the registry read of the last
 * second when that gives an answer, else from a fresh read (a worker may have just started).
 */
export async function chooseCluster(deps: SlackDeps, asked: string | undefined): Promise<{ cluster: string } | { error: string }> {
  const recent = pickCluster(deps, asked, (await deps.clusters.recentLive()).map((c) => c.name));
  return 'cluster' in recent ? recent : pickCluster(deps, asked, (await deps.clusters.live()).map((c) => c.name));
}

function pickCluster(deps: SlackDeps, asked: string | undefined, live: string[]): { cluster: string } | { error: string } {
  if (asked) return live.includes(asked) ? { cluster: asked } : { error: `No live worker for cluster "${asked}". Live clusters: ${live.length ? live.join(', ') : 'none'}.` };
  if (live.length === 1) return { cluster: live[0]! };
  if (live.length === 0) return { error: 'No cluster has a live worker right now; start one with `dnswhy serve --role worker`.' };
  if (deps.defaultCluster && live.includes(deps.defaultCluster)) return { cluster: deps.defaultCluster };
  return { error: `Several clusters are live (${live.join(', ')}): name one, e.g. \`/dns why ${live[0]}/ns/pod NAME\`.` };
}

/**
 * Starts or joins a diagnosis.
 * @returns what happened, for logs and tests
 */
export async function startDiagnosis(deps: SlackDeps, req: DiagnosisRequest): Promise<{ outcome: 'started' | 'joined' | 'refused'; jobId?: string }> {
  const here = { channel: req.channel };
  const choice = await chooseCluster(deps, req.cluster);
  if ('error' in choice) {
    // A place reserved at the ack for this job is given back: a refusal leaves no claim behind.
    if (req.diagnoseJobId) await deps.running.releasePlace(req.user, req.diagnoseJobId);
    await deps.poster.ephemeral(here, req.user, renderNotice(`:warning: ${choice.error}`));
    return { outcome: 'refused' };
  }
  const cluster = choice.cluster;
  const podRef = req.target.namespace ? `${req.target.namespace}/${req.target.pod}` : req.target.pod;
  const dedupeKey = RunningDiagnoses.keyFor(cluster, podRef, req.target.name, req.target.port);
  const jobId = req.diagnoseJobId ?? newJobId('diag');
  const claim = await deps.running.claimOrJoin(dedupeKey, jobId, req.user, { ...(deps.instanceId ? { owner: deps.instanceId } : {}), channel: req.channel, perUserLimit: deps.maxDiagnosesPerUser });
  if (!claim.owner && 'running' in claim && claim.running.jobId === jobId) {
    // This start ran before and stopped part-way: carry on from what it recorded.
    if (deps.instanceId) await deps.running.adopt(dedupeKey, jobId, deps.instanceId);
    const recorded = claim.running.data;
    if (recorded) {
      await deps.queues.cluster(recorded.cluster).add(clusterJobNames.diagnose, recorded, { ...diagnoseJobOptions, jobId });
      return { outcome: 'started', jobId };
    }
  } else if ('inFlight' in claim) {
    deps.log.info({ user: req.user, inFlight: claim.inFlight, limit: claim.limit }, 'refused a diagnosis over the per-user limit');
    await deps.poster.ephemeral(here, req.user, renderPerUserRefusal(claim.inFlight, claim.limit, req.target.name));
    return { outcome: 'refused' };
  } else if (!claim.owner) {
    const where = claim.running.thread ? await deps.poster.permalink(claim.running.thread.channel, claim.running.thread.threadTs).catch(() => undefined) : undefined;
    await deps.poster.ephemeral(here, req.user, renderNotice(`:link: A diagnosis of \`${req.target.name}\` from \`${podRef}\` on ${cluster} is already running${where ? ` (<${where}|thread>)` : ''}. You joined it: you will be mentioned when the report lands.`));
    return { outcome: 'joined', jobId: claim.running.jobId };
  }
  try {
    // Keyed posts: a re-run after a crash or an outage finds them instead of posting them again.
    const parentTs = (await postOnce(deps.poster, deps.ledger, `${jobId}-parent`, here, renderParent({ name: req.target.name, pod: podRef, cluster, user: req.user }))).ts;
    const thread = { channel: req.channel, threadTs: parentTs };
    const progressTs = (await postOnce(deps.poster, deps.ledger, `${jobId}-progress`, thread, renderProgress({ name: req.target.name, pod: podRef, cluster, step: 'queued', done: 0, total: 1, phase: 'queued' }))).ts;
    const data: DiagnoseJobData = { cluster, target: req.target, requestedBy: req.user, thread, progressTs, dedupeKey, ...(req.slackRequest ? { slackRequest: req.slackRequest } : {}) };
    // Written ahead of the enqueue: if this process dies in between, another app instance enqueues it (resume-diagnoses.ts).
    await deps.running.recordStart(dedupeKey, jobId, data);
    const queue = deps.queues.cluster(cluster);
    await queue.add(clusterJobNames.diagnose, data, { ...diagnoseJobOptions, jobId });
    await tellPosition(deps, data, jobId).catch((err: Error) => deps.log.warn({ err: err.message, job: jobId }, 'could not tell a queued diagnosis its place in line'));
    return { outcome: 'started', jobId };
  } catch (err) {
    // Slack unreachable: the delivery worker runs this start again once Slack is back (the claim stays).
    if (isSlackUnreachable(err)) throw err;
    await deps.running.finish(dedupeKey, jobId);
    deps.log.error({ err: (err as Error).message, job: jobId, slackRequest: req.slackRequest }, 'could not start a diagnosis');
    await deps.poster.ephemeral(here, req.user, renderNotice(`:x: Could not start the diagnosis: ${(err as Error).message}`)).catch(() => undefined);
    return { outcome: 'refused' };
  }
}

/**
 * When the job waits behind others, its progress message says where it stands: "position K in
 * line" instead of the bare "queued". Best effort (the job is already enqueued; its own progress
 * replaces this as soon as it starts), and written as sequence 0 of the progress message so that
 * it never overwrites progress the job already posted.
 */
async function tellPosition(deps: SlackDeps, data: DiagnoseJobData, jobId: string): Promise<void> {
  const queue = deps.queues.cluster(data.cluster);
  const position = await waitingPosition(queue, deps.redis, jobId);
  if (position === 0) return;
  const maxRunning = await clusterMaxRunning(queue);
  if (!(await deps.ledger.advanceProgress(data.progressTs, 0))) return;
  const pod = data.target.namespace ? `${data.target.namespace}/${data.target.pod}` : data.target.pod;
  await deps.poster.updateIfNotLimited(data.thread.channel, data.progressTs, renderProgress({ name: data.target.name, pod, cluster: data.cluster, step: 'queued', done: 0, total: 1, phase: 'queued', queue: { position, ...(maxRunning ? { maxRunning } : {}) } }));
}
