/**
 * A flood under Slack's rate limits: BENCH_FLOOD_QUESTIONS (default 200) different `/dns why` from
 * one channel, asked by BENCH_FLOOD_PEOPLE people (default 20, round-robin) within
 * BENCH_FLOOD_SPREAD_MS (default 0: all at once, 25 at a time), against the bot as shipped: the
 * emulator enforces Slack's documented limits (chat.postMessage about 1 per second per channel
 * with a burst of 3, chat.update 50 a minute, chat.postEphemeral 100 a minute, 429 with
 * Retry-After), the poster paces the channel, the cluster runs at most DNSWHY_CLUSTER_MAX_RUNNING
 * (default 4) diagnoses at once and one person may have 3 queued or running.
 *
 * Measured, per asker from their own command: the first word (a thread with its place in line,
 * or the per-user refusal, which is the command's ack or an ephemeral message) and the answer (the report in the thread, or the refusal); from the
 * first command, when the last asker had an answer; the channel's post pace (messages per second
 * over the run and the most in any one second), the 429s Slack answered, the most diagnoses and
 * probe pods alive at once, and the load average. Real redis-server, BullMQ worker and the lab of
 * seed 000 (its burst probe cut to 5 queries, as in test/e2e/slack-flood.test.ts); Slack is the
 * emulator. Exits 1 when an asker heard nothing or the cap was exceeded.
 * Writes bench/results/flood.json. Run: npx tsx bench/flood.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openClusterRuntime } from '../jobs/open-cluster-runtime.js';
import { sendSigned, slashCommandBody } from '../src/emulators/slack/signed-request.js';
import { channel, secret, startHarness } from '../test/slack/helpers/bot-harness.js';
import { countingDiagnoses, watchProbePods } from '../test/e2e/helpers/flood-counters.js';

const questions = Number(process.env.BENCH_FLOOD_QUESTIONS ?? 200);
const peopleCount = Number(process.env.BENCH_FLOOD_PEOPLE ?? 20);
const spreadMs = Number(process.env.BENCH_FLOOD_SPREAD_MS ?? 0);
const cap = 4;
const perUser = 3;
const deadlineMs = Number(process.env.BENCH_FLOOD_DEADLINE_MS ?? 30 * 60_000);
const scenario = join(import.meta.dirname, '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const pod = 'mos/mos-model-6c9f7b5d8-x2k4p';
const round = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : 0);
  return { samples: s.length, p50: at(50), p90: at(90), max: s.at(-1) ?? 0 };
}

interface Asker {
  user: string;
  name: string;
  askedAt: number;
  firstWordAt?: number;
  answeredAt?: number;
  how?: 'report' | 'failed' | 'refused';
  parentTs?: string;
}

const people = Array.from({ length: peopleCount }, (_, i) => `U0FLOOD${String(i).padStart(3, '0')}`);
const loadBefore = loadavg().map(round);
const lab = await openClusterRuntime({ name: 'lab', lab: scenario, burst: { count: 5, concurrency: 5 } });
const c = countingDiagnoses(lab);
const probes = watchProbePods(lab.lab!);
// Slack's limits as documented (the emulator's defaults); the poster's pacing and the worker's progress interval as shipped.
const h = await startHarness({ runtime: c.runtime, emulator: { users: Object.fromEntries(people.map((u) => [u, u.toLowerCase()])) }, workerConcurrency: 4, maxRunning: cap, maxDiagnosesPerUser: perUser, progressIntervalMs: 1000 });
try {
  const askers: Asker[] = Array.from({ length: questions }, (_, i) => ({ user: people[i % people.length]!, name: `svc-${i}.flood.example.com`, askedAt: 0 }));
  const started = Date.now();
  const ask = async (a: Asker) => {
    a.askedAt = Date.now();
    const res = await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: `why ${pod} ${a.name}`, user: a.user, channel }));
    // A refusal over the per-user limit is the ack itself (an ephemeral response body).
    if (res.body.includes(`\`${a.name}\` was not queued`)) {
      a.firstWordAt = a.answeredAt = Date.now();
      a.how = 'refused';
    }
  };
  const sending = (async () => {
    if (spreadMs > 0) {
      for (const [i, a] of askers.entries()) {
        await sleep(Math.max(0, started + (i * spreadMs) / questions - Date.now()));
        void ask(a);
      }
    } else for (let i = 0; i < askers.length; i += 25) await Promise.all(askers.slice(i, i + 25).map(ask));
  })();
  const keyOf = (m: { metadata?: { event_payload: { key?: unknown } } }) => String(m.metadata?.event_payload.key ?? '');
  // Ends when every asker has an answer, or nothing new was heard for 2 minutes (what is missing is unanswered).
  let heard = 0;
  let heardAt = Date.now();
  while (Date.now() - started < deadlineMs && Date.now() - heardAt < 120_000) {
    const now = Date.now();
    for (const a of askers) {
      if (!a.askedAt || a.answeredAt) continue;
      a.parentTs ??= h.slack.messages.find((m) => m.channel === channel && !m.threadTs && m.text.startsWith(`Diagnosing ${a.name} from`))?.ts;
      if (a.parentTs) {
        a.firstWordAt ??= now;
        const end = h.slack.thread(channel, a.parentTs).find((m) => /-(report-0|failed)$/.test(keyOf(m)));
        if (end) {
          a.answeredAt = now;
          a.how = keyOf(end).endsWith('-failed') ? 'failed' : 'report';
        }
      } else if (h.slack.ephemerals.some((e) => e.user === a.user && e.text.includes(`\`${a.name}\` was not queued`))) {
        a.firstWordAt ??= now;
        a.answeredAt = now;
        a.how = 'refused';
      }
    }
    const nowHeard = askers.filter((a) => a.answeredAt).length;
    if (nowHeard !== heard) {
      if (Math.floor(nowHeard / 20) > Math.floor(heard / 20)) process.stderr.write(`[flood] ${nowHeard} of ${questions} answered after ${Math.round((now - started) / 1000)} s, ${c.counts.max} diagnoses at once at most\n`);
      heard = nowHeard;
      heardAt = now;
    }
    if (askers.every((a) => a.answeredAt)) break;
    await sleep(100);
  }
  await sending;
  const end = Date.now();
  const posts = h.slack.callsOf('chat.postMessage').filter((x) => x.status === 200 && x.at >= started);
  const perSecond = new Map<number, number>();
  for (const p of posts) perSecond.set(Math.floor((p.at - started) / 1000), (perSecond.get(Math.floor((p.at - started) / 1000)) ?? 0) + 1);
  const limited: Record<string, number> = {};
  for (const x of h.slack.calls) if (x.status === 429 && x.at >= started) limited[x.method] = (limited[x.method] ?? 0) + 1;
  const unanswered = askers.filter((a) => !a.answeredAt);
  const answered = askers.filter((a) => a.answeredAt);
  const lastAnswer = Math.max(0, ...answered.map((a) => a.answeredAt! - started));
  const out = {
    bench: 'flood',
    date: new Date().toISOString(),
    node: process.version,
    options: { questions, people: peopleCount, spreadMs, cap, perUser, rateLimits: 'Slack documented (emulator defaults: chat.postMessage 1/s per channel, burst 3; chat.update 50/min; chat.postEphemeral 100/min)' },
    lastAnswerMs: lastAnswer,
    firstWordMs: summary(answered.map((a) => a.firstWordAt! - a.askedAt)),
    answerMs: {
      queued: summary(answered.filter((a) => a.how !== 'refused').map((a) => a.answeredAt! - a.askedAt)),
      refused: summary(answered.filter((a) => a.how === 'refused').map((a) => a.answeredAt! - a.askedAt)),
    },
    askers: { reports: answered.filter((a) => a.how === 'report').length, failed: answered.filter((a) => a.how === 'failed').length, refused: answered.filter((a) => a.how === 'refused').length, unanswered: unanswered.length },
    channelPosts: { messages: posts.length, perSecondOverRun: round(posts.length / Math.max(1, (end - started) / 1000)), mostInOneSecond: Math.max(0, ...perSecond.values()) },
    rateLimited: limited,
    maxDiagnosesAtOnce: c.counts.max,
    maxProbePodsAtOnce: probes.stats.max,
    durationMs: end - started,
    loadAverageBefore: loadBefore,
    loadAverage: loadavg().map(round),
    unansweredDetail: unanswered.slice(0, 20).map((a) => `${a.user} ${a.name}${a.parentTs ? ' (thread, no report)' : ''}`),
  };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'flood.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out));
  process.exitCode = unanswered.length === 0 && c.counts.max <= cap ? 0 : 1;
} finally {
  await h.stop();
}
