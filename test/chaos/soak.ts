/**
 * The chaos soak: the whole bot under faults, counted.
 *
 * Real parts: a redis-server with AOF on, three `dnswhy serve --role worker` processes each running
 * the lab of seed 000 (DNSWHY_LAB: every worker process has its own copy of the lab, as a worker
 * started that way does), the Slack app in this process, and the Slack emulator (Slack itself is
 * the one mocked part). A driver asks different `/dns why` questions, each in its own channel,
 * approves the fixes the reports offer and rolls each applied fix back, while it SIGKILLs a random
 * worker every few seconds (and starts a new one, as Kubernetes would) and kills and restarts
 * Redis once.
 *
 * Counted at the end:
 * - lost: a question without an answer in its thread, an approval or rollback without its result;
 * - duplicates: a post key seen twice, a thread with two reports, a channel with two parents;
 * - doubleApplies: a proposal whose audit trail moved to applying or applied more than once, or
 *   whose thread has two apply results for one click;
 * - approvals: what became of each approval asked for (applied, refused with its reason, expired,
 *   not clicked); one clicked and never answered is unaccounted and lost;
 * - recoveryMs: for every job a killed worker held, the time from the SIGKILL until another worker
 *   runs it (BullMQ's processedBy names the new worker) or it is finished.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { allButtons, approver, approver2, buttons, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

const root = join(import.meta.dirname, '..', '..');
const scenario = join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const pod = 'mos/mos-model-6c9f7b5d8-x2k4p';
/**
 * Different questions: one asked again while it runs would join the running diagnosis. Three of
 * eight ask for the broken name (with and without a port), whose report offers the Corefile fix
 * the approvals apply: a report answered by a worker whose lab still carries an earlier fix is
 * healthy and offers none, so the 50 approvals need more chances than 50.
 */
const names = ['s3.cloud-b.example', 'www.example.org', 's3.cloud-b.example:443', 'kubernetes.default.svc.cluster.local', 'kube-dns.kube-system.svc.cluster.local', 's3.cloud-b.example:80', 'missing.cloud-b.example', 'api.example.org'];

export interface SoakOptions {
  diagnoses: number;
  approvals: number;
  workers: number;
  /** A random worker is SIGKILLed this often. */
  killEveryMs: number;
  /** Give up (and count what is missing as lost) this long after the first question. */
  deadlineMs: number;
  /** Roll back each applied fix (and wait for the rollback's result). */
  rollBack: boolean;
  /** Give up when nothing was answered for this long (default 2 minutes). */
  stallMs?: number;
  log?: (line: string) => void;
}

/**
 * What became of each approval asked for: every one is clicked (by two approvers at once) and ends
 * in one of these, or is counted as not clicked (no report offered a Corefile fix in time).
 */
export interface ApprovalAccount {
  asked: number;
  clicked: number;
  /** Moved pending→applying→applied (its result says applied). */
  applied: number;
  /** Refused or failed, by the outcome and message its thread shows. */
  refused: Record<string, number>;
  /** The click answered "expired" (the proposal outlived its expiry): nothing applied. */
  expired: number;
  /** Asked for but never clicked: not enough reports offered a Corefile fix before the questions ran out. */
  notClicked: number;
  /** Clicked with no result, no refusal and no expiry notice: must be 0 (each is also in lostDetail). */
  unaccounted: number;
  /** Of the applied fixes: rolled back, or the rollback refused (by the reason its thread shows). */
  rolledBack: number;
  rollbackRefused: Record<string, number>;
}

export interface SoakResult {
  diagnoses: number;
  /** Approvals with a result (applied or refused): see approvalAccount. */
  approvals: number;
  rollbacks: number;
  approvalAccount: ApprovalAccount;
  lost: number;
  lostDetail: string[];
  duplicates: number;
  duplicateDetail: string[];
  doubleApplies: number;
  doubleApplyDetail: string[];
  kills: number;
  redisRestarts: number;
  /** Answers that were "Could not diagnose" (an answer, but not a report). */
  failedDiagnoses: number;
  failedDetail: string[];
  /** From a SIGKILL to the dead worker's job being handed back (waiting again, taken over, or finished). */
  recoveryMs: { samples: number; p50: number; p90: number; max: number; all: number[] };
  /** From a SIGKILL to that job running on another worker (or finished): recovery plus the wait for a free worker. */
  resumedMs: { samples: number; p50: number; p90: number; max: number };
  durationMs: number;
  loadAverage: number[];
}

interface WorkerProc {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
}

interface Question {
  i: number;
  channel: string;
  name: string;
  askedAt?: number;
  otherFixesAt?: number;
  /** Its report's other fixes opened without a Corefile fix among them. */
  noCorefileFix?: boolean;
  /** The HTTP answer to the slash command (what Slack would show the asker on an error). */
  asked?: string;
  parentTs?: string;
  answeredAt?: number;
  approval?: { proposalId: string; fixTs: string; clickedAt: number; resultAt?: number; outcome?: string; rollbackAt?: number; rolledBackAt?: number; rollbackOutcome?: string };
}

/**
 * An apply or rollback result as its thread shows it: "applied", "rolled back", or the refusal
 * with its message (resourceVersions and hashes blanked so equal reasons count together).
 */
function outcomeOf(m: { text: string; blocks?: unknown[] }): string {
  if (/^applied:/.test(m.text)) return 'applied';
  if (/^Rolled back:/.test(m.text)) return 'rolled back';
  const section = (m.blocks as { type: string; text?: { text?: string } }[] | undefined)?.find((b) => b.type === 'section')?.text?.text ?? m.text;
  const head = m.text.split(':')[0]!;
  // The renderer's frame (icon, title, change hash, who and when) is the same for every refusal: keep the reason.
  const message = section
    .replace(/:[a-z_]+:|\*[^*]*\*|`[^`]*`|<[^>]*>/g, '')
    .replace(/^\s*(Not applied|Rollback refused|Rollback failed)[^.]*\.\s*|^\s*Applying \(change \) failed:\s*|The target changed since the diagnosis; nothing was modified\./g, '')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
  return `${head}: ${message}`.slice(0, 240);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function startWorker(redisUrl: string, log: (l: string) => void): Promise<WorkerProc> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve', '--role', 'worker'], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', REDIS_URL: redisUrl, DNSWHY_LAB: scenario, DNSWHY_CLUSTER: 'lab', DNSWHY_OPS_PORT: '0', DNSWHY_OPS_HOST: '127.0.0.1', DNSWHY_LOG_LEVEL: 'error', DNSWHY_WORKER_CONCURRENCY: '2' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (err.includes('consuming dnswhy-cluster-lab')) {
        clearInterval(timer);
        resolve({ child, pid: child.pid!, exited });
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`worker exited at start: ${err.slice(-2000)}`));
      }
    }, 50);
    void exited.then(() => log(`worker ${child.pid} exited`));
  });
}

/** Runs the soak and returns its counts; throws only when the setup itself fails. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  // Every question comes from its own asker (below), so the per-user limit of floods never refuses one.
  const h: Harness = await startHarness({ redis: { aof: true }, emulator: { rateLimits: false }, channelIntervalMs: 0 });
  const workers: WorkerProc[] = [];
  const orphans = new Map<string, { killedAt: number; pidPrefix: string; recoveredAt?: number }>();
  let stoppedAt = 0;
  const recovery: number[] = [];
  let kills = 0;
  let redisRestarts = 0;
  let stopping = false;
  try {
    workers.push(...(await Promise.all(Array.from({ length: o.workers }, () => startWorker(h.redisServer.url, log)))));
    const queue = h.queues.cluster('lab');
    const proposals = new ProposalStore(h.redis);
    const questions: Question[] = Array.from({ length: o.diagnoses }, (_, i) => ({ i, channel: `C0CHAOS${i}`, name: names[i % names.length]! }));
    const firstCorefileFix = async (ids: string[]) => {
      for (const id of ids) if ((await proposals.get(id).catch(() => undefined))?.fix.kind === 'corefile-patch') return id;
      return undefined;
    };
    const click = (user: string, actionId: string, value: string, q: Question, messageTs: string) =>
      sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user, channel: q.channel, messageTs, threadTs: q.parentTs!, actionId, value })).catch(() => undefined);
    const thread = (q: Question) => (q.parentTs ? h.slack.thread(q.channel, q.parentTs) : []);
    const keyOf = (m: { metadata?: { event_payload: { key?: unknown } } }) => String(m.metadata?.event_payload.key ?? '');
    const results = (q: Question) => thread(q).filter((m) => keyOf(m).endsWith('-result'));

    // The chaos: a random worker SIGKILLed every killEveryMs and replaced; Redis killed once, about a third in.
    const starting: Promise<unknown>[] = [];
    const chaos = (async () => {
      while (!stopping) {
        await sleep(o.killEveryMs);
        if (stopping) break;
        // Replacements start in the background (as a restarted pod would); one worker is always left.
        if (workers.length < 2) continue;
        const victim = workers.splice(Math.floor(Math.random() * workers.length), 1)[0]!;
        const prefix = `${hostname()}-${victim.pid}-`;
        const held = (await queue.getJobs(['active']).catch(() => [] as Job[])).filter((j) => j.processedBy?.startsWith(prefix));
        victim.child.kill('SIGKILL');
        const killedAt = Date.now();
        kills += 1;
        for (const j of held) orphans.set(j.id!, { killedAt, pidPrefix: prefix });
        log(`killed worker ${victim.pid} holding ${held.length} job(s)`);
        starting.push(startWorker(h.redisServer.url, log).then((w) => (stopping ? w.child.kill('SIGKILL') : workers.push(w)), (e: Error) => log(`replacement failed: ${e.message}`)));
      }
    })();
    // Recovery of the killed workers' jobs: handed back (waiting again, or taken by another worker,
    // or finished) is the recovery; running again on another worker also waits for a free slot.
    const resumed: number[] = [];
    const watch = (async () => {
      while (!stopping || orphans.size > 0) {
        for (const [id, orphan] of orphans) {
          const job = await queue.getJob(id).catch(() => undefined);
          const state = job ? await job.getState().catch(() => 'unknown') : 'gone';
          const takenOver = job?.processedBy !== undefined && !job.processedBy.startsWith(orphan.pidPrefix);
          if (orphan.recoveredAt === undefined && (state !== 'active' || takenOver)) {
            orphan.recoveredAt = Date.now();
            recovery.push(orphan.recoveredAt - orphan.killedAt);
          }
          if ((state === 'active' && takenOver) || state === 'completed' || state === 'failed' || state === 'gone') {
            resumed.push(Date.now() - orphan.killedAt);
            orphans.delete(id);
          }
        }
        if (stopping && Date.now() > stoppedAt + 15_000) break;
        await sleep(100);
      }
    })();

    let next = 0;
    let approvalsStarted = 0;
    // From the first question on (starting three labs on a loaded machine takes a while).
    const deadline = Date.now() + o.deadlineMs;
    const proposalNotApplied = new Set<string>();
    const approvalDone = (a: NonNullable<Question['approval']>) => a.resultAt !== undefined && (!o.rollBack || proposalNotApplied.has(a.proposalId) || a.rolledBackAt !== undefined);
    // A name is busy while its question runs and while a fix of its thread is applied or rolled back
    // (the verification re-run is a diagnosis of the same question: a new ask would join it).
    const busyNames = () => new Set(questions.filter((q) => (q.askedAt && !q.answeredAt) || (q.approval && !approvalDone(q.approval)) || (q.otherFixesAt && !q.approval && !q.noCorefileFix && approvalsStarted < o.approvals)).map((q) => q.name));
    // Done when every question is answered and every approval finished, and no approval is still to
    // start while a report's other fixes are being opened.
    const done = () =>
      next >= questions.length &&
      questions.every((q) => q.answeredAt && (!q.approval || approvalDone(q.approval))) &&
      (approvalsStarted >= o.approvals || questions.every((q) => !q.otherFixesAt || q.approval || q.noCorefileFix));
    // A soak that stops moving (nothing answered for stallMs) ends early: what is missing is lost.
    let progressAt = Date.now();
    let progressMark = '';
    while (Date.now() < deadline && !done() && Date.now() - progressAt < (o.stallMs ?? 120_000)) {
      const mark = questions.map((q) => `${q.answeredAt ? 1 : 0}${q.approval?.resultAt ? 1 : 0}${q.approval?.rolledBackAt ? 1 : 0}`).join('');
      if (mark !== progressMark) {
        progressMark = mark;
        progressAt = Date.now();
      }
      // Ask: one question per free name, in order.
      const busy = busyNames();
      while (next < questions.length && !busy.has(questions[next]!.name)) {
        const q = questions[next++]!;
        busy.add(q.name);
        q.askedAt = Date.now();
        // Each question from its own person: one person may have only a few diagnoses queued at once.
        const res = await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: `why ${pod} ${q.name}`, user: `${requester}${q.i}`, channel: q.channel })).catch((e: Error) => ({ status: 0, body: e.message }));
        q.asked = `${res.status} ${res.body.slice(0, 200)}`;
      }
      if (redisRestarts === 0 && questions.filter((q) => q.answeredAt).length >= o.diagnoses / 3) {
        await h.redisServer.restart('kill');
        redisRestarts += 1;
        log('redis killed and restarted (AOF)');
      }
      for (const q of questions) {
        if (!q.askedAt) continue;
        q.parentTs ??= h.slack.messages.find((m) => m.channel === q.channel && !m.threadTs)?.ts;
        if (!q.answeredAt && thread(q).some((m) => /-(report-0|failed)$/.test(keyOf(m)))) {
          q.answeredAt = Date.now();
          const n = questions.filter((x) => x.answeredAt).length;
          if (n % 10 === 0) log(`${n} of ${questions.length} answered, ${approvalsStarted} approvals started, ${kills} kills`);
        }
        // Approve a fix a report offers, twice at once (two approvers), while approvals remain: the
        // Corefile fix under "Other fixes" (a ConfigMap patch; the recommended hostAliases fix rolls
        // the pod, whose new name the next questions would not know).
        if (q.answeredAt && !q.approval && approvalsStarted < o.approvals) {
          const report = thread(q).find((m) => keyOf(m).endsWith('-report-0'));
          if (report && !q.otherFixesAt && buttons(report)[actionIds.otherFixes]) {
            q.otherFixesAt = Date.now();
            void click(`${requester}${q.i}`, actionIds.otherFixes, buttons(report)[actionIds.otherFixes]!, q, report.ts);
          }
          const offered = report ? allButtons(report).filter((b) => b.actionId === actionIds.approveFix) : [];
          const corefileFix = q.otherFixesAt ? await firstCorefileFix(offered.map((b) => b.value)) : undefined;
          // Not every report has a Corefile fix among its other fixes: give the opened view 15 s.
          if (q.otherFixesAt && !corefileFix && Date.now() - q.otherFixesAt > 15_000) q.noCorefileFix = true;
          if (report && corefileFix) {
            approvalsStarted += 1;
            q.approval = { proposalId: corefileFix, fixTs: report.ts, clickedAt: Date.now() };
            void click(approver, actionIds.approveFix, q.approval.proposalId, q, report.ts);
            void click(approver2, actionIds.approveFix, q.approval.proposalId, q, report.ts);
          }
        }
        const a = q.approval;
        if (a && !a.resultAt && results(q).length >= 1) {
          a.resultAt = Date.now();
          a.outcome = outcomeOf(results(q)[0]!);
          const status = (await proposals.get(a.proposalId).catch(() => undefined))?.status;
          if (status !== 'applied') proposalNotApplied.add(a.proposalId);
        }
        // An expired proposal's click is answered ephemerally and has no result.
        if (a && !a.resultAt && h.slack.ephemerals.some((e) => e.channel === q.channel && /expired/i.test(e.text))) {
          a.resultAt = Date.now();
          a.outcome = 'expired';
          proposalNotApplied.add(a.proposalId);
        }
        // Roll back what was applied (the lab is broken again for the next questions).
        if (o.rollBack && a?.resultAt && !a.rollbackAt && !proposalNotApplied.has(a.proposalId)) {
          const result = thread(q).find((m) => buttons(m)[actionIds.rollbackFix]);
          if (result) {
            a.rollbackAt = Date.now();
            void click(approver, actionIds.rollbackFix, a.proposalId, q, result.ts);
          }
        }
        if (a?.rollbackAt && !a.rolledBackAt && results(q).length >= 2) {
          a.rolledBackAt = Date.now();
          a.rollbackOutcome = outcomeOf(results(q)[1]!);
        }
      }
      await sleep(100);
    }
    stopping = true;
    stoppedAt = Date.now();
    await chaos.catch((e: Error) => log(`chaos: ${e.message}`));
    await watch;
    await Promise.all(starting);
    // Late retries land now or never: give them a moment before counting.
    await sleep(3000);

    const lostDetail: string[] = [];
    const jobsOf = async (channel: string) => {
      const all = [...(await queue.getJobs(['active', 'waiting', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'])), ...(await h.queues.post.getJobs(['active', 'waiting', 'delayed', 'completed', 'failed', 'prioritized']))];
      const found = all.filter((j) => (j.data as { thread?: { channel?: string } }).thread?.channel === channel);
      return Promise.all(found.map(async (j) => `${j.name} ${j.id} ${await j.getState()} attempts ${j.attemptsMade}${j.failedReason ? ` (${j.failedReason})` : ''}${j.processedBy ? ` by ${j.processedBy}` : ''}`));
    };
    for (const q of questions) {
      if (!q.answeredAt) lostDetail.push(`${q.channel} ${q.name}: ${q.askedAt ? `no answer [command: ${q.asked}; ephemerals: ${h.slack.ephemerals.filter((e) => e.channel === q.channel).map((e) => e.text).join(' | ')}; thread: ${thread(q).map(keyOf).join(', ')}; jobs: ${(await jobsOf(q.channel)).join('; ')}]` : 'never asked (deadline)'}`);
      const a = q.approval;
      if (a && !a.resultAt) lostDetail.push(`${q.channel}: approval of ${a.proposalId} without a result`);
      if (a?.rollbackAt && !a.rolledBackAt) lostDetail.push(`${q.channel}: rollback of ${a.proposalId} without a result [status ${(await proposals.get(a.proposalId))?.status}; audit ${(await proposals.audit(a.proposalId)).join(', ')}; jobs: ${(await jobsOf(q.channel)).join('; ')}; thread: ${thread(q).map(keyOf).join(', ')}]`);
    }
    for (const id of orphans.keys()) lostDetail.push(`job ${id} of a killed worker never ran again`);
    const duplicateDetail: string[] = [];
    const keys = new Map<string, number>();
    for (const m of h.slack.messages) if (keyOf(m)) keys.set(keyOf(m), (keys.get(keyOf(m)) ?? 0) + 1);
    for (const [k, n] of keys) if (n > 1) duplicateDetail.push(`post key ${k} posted ${n} times`);
    for (const q of questions) {
      const parents = h.slack.messages.filter((m) => m.channel === q.channel && !m.threadTs);
      if (parents.length > 1) duplicateDetail.push(`${q.channel}: ${parents.length} parent messages`);
      const reports = thread(q).filter((m) => keyOf(m).endsWith('-report-0'));
      if (reports.length > 1) duplicateDetail.push(`${q.channel}: ${reports.length} reports`);
    }
    let doubleApplies = 0;
    const doubleApplyDetail: string[] = [];
    for (const q of questions) {
      if (!q.approval) continue;
      const audit = await proposals.audit(q.approval.proposalId);
      const applying = audit.filter((l) => l.endsWith('->applying')).length;
      // Only the apply path counts: a refused rollback (rolling-back->applied) is not an apply.
      const applied = audit.filter((l) => l.endsWith('applying->applied')).length;
      const expectedResults = q.approval.rollbackAt ? 2 : 1;
      if (applying > 1 || applied > 1 || results(q).length > expectedResults) {
        doubleApplies += 1;
        doubleApplyDetail.push(`${q.channel}: proposal ${q.approval.proposalId} audit [${audit.join(', ')}], results [${results(q).map(keyOf).join(', ')}]`);
      }
    }
    const account: ApprovalAccount = { asked: o.approvals, clicked: 0, applied: 0, refused: {}, expired: 0, notClicked: 0, unaccounted: 0, rolledBack: 0, rollbackRefused: {} };
    for (const q of questions) {
      const a = q.approval;
      if (!a) continue;
      account.clicked += 1;
      if (a.outcome === undefined) account.unaccounted += 1;
      else if (a.outcome === 'expired') account.expired += 1;
      else if (a.outcome === 'applied') account.applied += 1;
      else account.refused[a.outcome] = (account.refused[a.outcome] ?? 0) + 1;
      if (a.rollbackOutcome === 'rolled back') account.rolledBack += 1;
      else if (a.rollbackOutcome !== undefined) account.rollbackRefused[a.rollbackOutcome] = (account.rollbackRefused[a.rollbackOutcome] ?? 0) + 1;
    }
    account.notClicked = o.approvals - account.clicked;
    const failedTexts = questions.flatMap((q) => thread(q).filter((m) => keyOf(m).endsWith('-failed')).map((m) => `${q.channel}: ${m.text}`));
    const sorted = [...recovery].sort((a, b) => a - b);
    return {
      diagnoses: questions.filter((q) => q.answeredAt).length,
      approvals: questions.filter((q) => q.approval?.resultAt).length,
      rollbacks: questions.filter((q) => q.approval?.rollbackOutcome === 'rolled back').length,
      approvalAccount: account,
      lost: lostDetail.length,
      lostDetail,
      duplicates: duplicateDetail.length,
      duplicateDetail,
      doubleApplies,
      doubleApplyDetail,
      kills,
      redisRestarts,
      failedDiagnoses: failedTexts.length,
      failedDetail: failedTexts,
      recoveryMs: { samples: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1) ?? 0, all: sorted },
      resumedMs: (() => { const r = [...resumed].sort((a, b) => a - b); return { samples: r.length, p50: percentile(r, 50), p90: percentile(r, 90), max: r.at(-1) ?? 0 }; })(),
      durationMs: Date.now() - started,
      loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    };
  } finally {
    stopping = true;
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await h.stop();
  }
}
