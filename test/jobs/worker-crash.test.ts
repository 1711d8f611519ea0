/**
 * A worker killed (SIGKILL) in the middle of a diagnosis: the job is recovered by BullMQ's stalled
 * check and run again on another worker; the answer arrives once, nothing is posted twice. Also:
 * transient failures retry with backoff without a second report, and the same question asked
 * while it runs joins it. Fake diagnosis (mocked cluster), real redis-server and BullMQ.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import { bullConnection } from '../../src/queue/connection.js';
import { actionIds } from '../../src/slack/ids.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from './helpers/fake-runtime.js';
import { approver, buttons, channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';


describe('cluster worker resilience with a fake diagnosis (mocked cluster)', { timeout: 90_000 }, () => {
  let h: Harness;
  let child: ChildProcess | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.close(2000);
    await h?.stop();
  });

  const ask = (text: string, user = requester) => sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text, user, channel }));

  it('recovers a job whose worker was killed mid-diagnosis and posts the answer once', async () => {
    // node itself runs the worker (through tsx's loader), so SIGKILL reaches the process holding the job lock.
    child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'worker-child.ts')], { env: { ...process.env, REDIS_URL: h.redisServer.url }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d.toString()));
    await h.slack.waitFor('child worker ready', () => out.includes('ready'), 20000);
    expect((await ask('why default/web-7d9 s3.cloud-b.example')).status).toBe(200);
    // A second person asks the same while it runs: they join the same job.
    expect((await ask('why default/web-7d9 s3.cloud-b.example', approver)).status).toBe(200);
    await h.slack.waitFor('diagnosis started in the child', () => out.includes('started default/web-7d9'), 20000);
    const joined = await h.slack.waitFor('join notice', () => h.slack.ephemerals.find((e) => e.user === approver && e.text.includes('already running')));
    expect(joined.text).toContain('You joined it');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    // No worker runs while the dead one's lock expires: nothing checks for stalled jobs meanwhile.
    const [orphan] = await h.queues.cluster('lab').getJobs(['active']);
    expect(orphan).toBeDefined();
    const lockKey = `${h.queues.cluster('lab').toKey(orphan!.id!)}:lock`;
    for (let i = 0; i < 200 && (await h.redis.exists(lockKey)) === 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await h.redis.exists(lockKey)).toBe(0);

    const runtime = new FakeRuntime({ name: 'lab' });
    // Production lock settings; a starting worker takes the orphaned job over before it returns.
    worker = await startClusterWorker({ connection: bullConnection(h.redisServer.url), redis: h.redis, queues: h.queues, runtime, cluster: 'lab', log: pino({ level: 'silent' }), heartbeatMs: 1000, progressIntervalMs: 0 });
    // Not an orphan any more: waiting, done, or active under the new worker's lock (it may finish in between).
    const state = await h.queues.cluster('lab').getJobState(orphan!.id!);
    const orphaned = state === 'active' && (await h.redis.exists(lockKey)) === 0 && (await h.queues.cluster('lab').getJobState(orphan!.id!)) === 'active';
    expect(orphaned, `state ${state}`).toBe(false);
    const parent = h.slack.messages.find((m) => m.channel === channel && !m.threadTs)!;
    const fix = await h.slack.waitFor('fix after recovery', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 30000);
    expect(fix).toBeDefined();
    expect(runtime.diagnoses).toBe(1);
    const thread = h.slack.thread(channel, parent.ts);
    const reports = thread.filter((m) => messageText(m).includes('Recommended fix:*'));
    expect(reports).toHaveLength(1);
    expect(thread.filter((m) => buttons(m)[actionIds.approveFix])).toHaveLength(1);
    // Both askers are told in the report.
    expect(messageText(reports[0]!)).toContain(`<@${requester}>`);
    expect(messageText(reports[0]!)).toContain(`<@${approver}>`);
    // Only one parent message: the second ask joined.
    expect(h.slack.messages.filter((m) => m.channel === channel && !m.threadTs)).toHaveLength(1);
  });

  it('retries a transient failure with backoff and reports once', async () => {
    await worker?.close(2000);
    const runtime = new FakeRuntime({ name: 'lab', transientFailures: 1 });
    worker = await startClusterWorker({ connection: bullConnection(h.redisServer.url), redis: h.redis, queues: h.queues, runtime, cluster: 'lab', log: pino({ level: 'silent' }), heartbeatMs: 1000, progressIntervalMs: 0 });
    await ask('why payments/api-7f9 other.example.org');
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs && m.text.includes('other.example.org')));
    await h.slack.waitFor('report after retry', () => h.slack.thread(channel, parent.ts).find((m) => messageText(m).includes('Recommended fix:*')), 30000);
    expect(runtime.diagnoses).toBe(2);
    expect(h.slack.thread(channel, parent.ts).filter((m) => messageText(m).includes('Recommended fix:*'))).toHaveLength(1);
    expect(h.slack.thread(channel, parent.ts).some((m) => m.text.includes('Could not diagnose'))).toBe(false);
  });
});
