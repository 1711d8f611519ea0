/**
 * /healthz, /readyz and /metrics of the app and of a worker, each `dnswhy serve` in its own
 * process on a real redis-server, after one /dns why against the lab (Slack is the emulator: it
 * cannot run here). The counters must have moved: the worker counts the diagnosis by verdict,
 * its finding by check, its duration and its probe pods; the app counts a Slack API error the
 * emulator was told to return; both report the cluster's queue depth and the process defaults.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText, type Sample } from '../../src/core/metrics/prometheus-metrics.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/emulators/slack/slack-emulator.js';
import { freePort, startRedis, type RedisHandle } from '../helpers/redis-server.js';

const root = join(import.meta.dirname, '..', '..');
const secret = 'metrics-test-secret-0123456789';

interface Serve {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function serve(role: 'app' | 'worker', env: Record<string, string>): Serve {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve', '--role', role], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', DNSWHY_OPS_PORT: '0', DNSWHY_OPS_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitFor(what: string, s: Serve, pred: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function opsUrl(s: Serve): string {
  const m = /\/healthz and \/readyz on ([\d.]+):(\d+)/.exec(s.output());
  if (!m) throw new Error(`no ops line in:\n${s.output()}`);
  return `http://${m[1]}:${m[2]}`;
}

async function scrape(base: string): Promise<{ contentType: string; samples: Sample[] }> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type') ?? '', samples: parsePrometheusText(await res.text()) };
}

/** The value of one sample, 0 when absent (a counter that never moved is not printed). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const s = samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value ?? 0;
}

describe('metrics and health of the app and a worker, in separate processes (Slack emulated)', { timeout: 180_000 }, () => {
  let redis: RedisHandle;
  let slack: SlackEmulator;
  let app: Serve;
  let worker: Serve;
  let slackPort: number;

  beforeAll(async () => {
    redis = await startRedis();
    slack = await startSlackEmulator();
    slackPort = await freePort();
    worker = serve('worker', { REDIS_URL: redis.url, DNSWHY_LAB: join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml') });
    app = serve('app', { REDIS_URL: redis.url, SLACK_BOT_TOKEN: 'xoxb-emulator', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl, PORT: String(slackPort), DNSWHY_APPROVERS: 'U0APPROVER', DNSWHY_CLUSTER: 'lab' });
    await waitFor('worker', worker, () => worker.output().includes('consuming dnswhy-cluster-lab'), 90_000);
    await waitFor('app', app, () => app.output().includes('listening on'), 90_000);
  });
  afterAll(async () => {
    for (const s of [app, worker]) {
      s?.child.kill('SIGTERM');
      await s?.exited;
    }
    await slack?.stop();
    await redis?.stop();
  });

  it('both answer /healthz and /readyz with their own conditions', async () => {
    for (const s of [app, worker]) expect((await fetch(`${opsUrl(s)}/healthz`)).status).toBe(200);
    await waitFor('worker ready', worker, async () => (await fetch(`${opsUrl(worker)}/readyz`)).status === 200);
    const w = (await (await fetch(`${opsUrl(worker)}/readyz`)).json()) as { conditions: { name: string; ok: boolean }[] };
    expect(w.conditions.filter((c) => c.ok).map((c) => c.name)).toEqual(expect.arrayContaining(['redis', 'queue-lab', 'kubernetes-api-lab']));
    expect(w.conditions.map((c) => c.name)).not.toContain('slack');
    await waitFor('app ready', app, async () => (await fetch(`${opsUrl(app)}/readyz`)).status === 200);
    const a = (await (await fetch(`${opsUrl(app)}/readyz`)).json()) as { conditions: { name: string; ok: boolean }[] };
    expect(a.conditions.filter((c) => c.ok).map((c) => c.name)).toEqual(expect.arrayContaining(['redis', 'slack']));
    expect(a.conditions.map((c) => c.name)).not.toContain('queue-lab');
  });

  it('counts a lab diagnosis on the worker and a Slack API error on the app', async () => {
    const workerBefore = (await scrape(opsUrl(worker))).samples;
    const appBefore = (await scrape(opsUrl(app))).samples;
    expect(value(workerBefore, 'dnswhy_diagnoses_total', { cluster: 'lab', verdict: 'broken' })).toBe(0);
    // The thread's permalink is refused once: a failed call the app must count.
    slack.inject('chat.getPermalink', 1, { error: 'channel_not_found' });
    const res = await sendSigned(`http://127.0.0.1:${slackPort}/slack/events`, secret, slashCommandBody({ text: 'why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', user: 'U0ASKER', channel: 'C0METRICS' }));
    expect(res.status).toBe(200);
    const parent = await slack.waitFor('parent', () => slack.messages.find((m) => m.channel === 'C0METRICS' && !m.threadTs), 30_000);
    await slack.waitFor('report', () => slack.thread('C0METRICS', parent.ts).find((m) => m.text.startsWith('Broken:')), 90_000);
    await slack.waitFor('the refused permalink', () => slack.callsOf('chat.getPermalink').find((c) => c.error === 'channel_not_found'), 30_000);

    const w = await scrape(opsUrl(worker));
    expect(w.contentType).toContain('text/plain');
    const ws = w.samples;
    expect(value(ws, 'dnswhy_diagnoses_total', { cluster: 'lab', verdict: 'broken' })).toBe(1);
    expect(value(ws, 'dnswhy_findings_total', { cluster: 'lab', check: 'upstream-split-horizon' })).toBe(1);
    expect(value(ws, 'dnswhy_diagnosis_duration_seconds_count', { cluster: 'lab', verdict: 'broken' })).toBe(1);
    expect(value(ws, 'dnswhy_diagnosis_duration_seconds_sum', { cluster: 'lab', verdict: 'broken' })).toBeGreaterThan(0);
    const probePods = ws.filter((s) => s.name === 'dnswhy_probe_pods_total' && s.labels.cluster === 'lab');
    expect(probePods.find((s) => s.labels.outcome === 'succeeded')?.value ?? 0).toBeGreaterThan(0);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(ws.some((s) => s.name === 'dnswhy_queue_jobs' && s.labels.cluster === 'lab' && s.labels.state === state)).toBe(true);
    expect(value(ws, 'dnswhy_queue_jobs', { cluster: 'lab', state: 'active' })).toBe(0);
    expect(ws.some((s) => s.name === 'dnswhy_process_cpu_user_seconds_total')).toBe(true);
    expect(ws.some((s) => s.name === 'dnswhy_nodejs_heap_size_used_bytes')).toBe(true);
    // The worker talks to no Slack: nothing of Slack's is counted there.
    expect(ws.some((s) => s.name.startsWith('dnswhy_slack_') && s.value > 0)).toBe(false);

    const as = (await scrape(opsUrl(app))).samples;
    const permalinkErrors = (samples: Sample[]) => value(samples, 'dnswhy_slack_api_errors_total', { method: 'chat.getPermalink', error: 'channel_not_found' });
    expect(permalinkErrors(as) - permalinkErrors(appBefore)).toBe(1);
    expect(as.some((s) => s.name === 'dnswhy_queue_jobs' && s.labels.cluster === 'lab' && s.labels.state === 'waiting')).toBe(true);
    expect(as.some((s) => s.name === 'dnswhy_process_resident_memory_bytes')).toBe(true);
    // The app runs no diagnosis: its diagnosis counter did not move.
    expect(value(as, 'dnswhy_diagnoses_total', { cluster: 'lab', verdict: 'broken' })).toBe(0);
  });
});
