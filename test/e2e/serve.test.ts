/**
 * `dnswhy serve` as a process: configuration errors are named; without REDIS_URL it starts a local
 * redis-server and says so; a signed /dns why against the lab gets its report through the emulator;
 * SIGTERM stops it cleanly (exit 0, the local redis-server gone).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/emulators/slack/slack-emulator.js';
import { freePort } from '../helpers/redis-server.js';

const root = join(import.meta.dirname, '..', '..');
const secret = 'serve-test-secret-0123456789';

function serve(env: Record<string, string>, args: string[] = []): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve', ...args], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** Base URL of /healthz and /readyz from serve's start-up line. */
function opsUrl(output: string): string {
  const m = /\/healthz and \/readyz on ([\d.]+):(\d+)/.exec(output);
  if (!m) throw new Error(`no ops line in:\n${output}`);
  return `http://${m[1]}:${m[2]}`;
}

describe('dnswhy serve (process)', { timeout: 120_000 }, () => {
  let slack: SlackEmulator | undefined;
  let running: ChildProcess | undefined;
  afterAll(async () => {
    running?.kill('SIGKILL');
    await slack?.stop();
  });

  it('names configuration problems and exits 1', async () => {
    const s = serve({ SLACK_BOT_TOKEN: 'xoxp-wrong', PORT: 'eighty' });
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(s.output()).toContain('PORT');
  });

  it('serves the lab through the emulator, then stops on SIGTERM', async () => {
    slack = await startSlackEmulator();
    const port = await freePort();
    const s = serve({ SLACK_BOT_TOKEN: 'xoxb-emulator', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl, PORT: String(port), DNSWHY_OPS_PORT: '0', DNSWHY_OPS_HOST: '127.0.0.1', DNSWHY_LAB: join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml'), DNSWHY_APPROVERS: 'U0APPROVER', DNSWHY_PROBE_NAMESPACE: 'kube-system' });
    running = s.child;
    await slack.waitFor('serve ready', () => s.output().includes('listening on'), 60_000);
    // The worker read DNSWHY_PROBE_NAMESPACE and found it (node-view probe pods run there; the twin in mos, where it may create pods).
    expect(s.output()).toContain('probe pods run in namespace kube-system');
    expect(s.output()).toMatch(/REDIS_URL is not set: started a local redis-server at redis:\/\/127\.0\.0\.1:(\d+)/);
    const redisPort = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(s.output())![1]);
    const res = await sendSigned(`http://127.0.0.1:${port}/slack/events`, secret, slashCommandBody({ text: 'why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', user: 'U0ASKER', channel: 'C0SERVE' }));
    expect(res.status).toBe(200);
    const parent = await slack.waitFor('parent', () => slack!.messages.find((m) => m.channel === 'C0SERVE' && !m.threadTs), 30_000);
    const report = await slack.waitFor('report', () => slack!.thread('C0SERVE', parent.ts).find((m) => m.threadTs !== undefined && m.text.startsWith('Broken:')), 60_000);
    expect(JSON.stringify(report.blocks)).toContain('upstream-split-horizon');
    // Health and readiness of the app and the worker on the ops port.
    const ops = opsUrl(s.output());
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const ready = await fetch(`${ops}/readyz`);
    const body = (await ready.json()) as { ready: boolean; conditions: { name: string; ok: boolean; required: boolean; detail: string }[] };
    expect(ready.status, JSON.stringify(body)).toBe(200);
    const byName = Object.fromEntries(body.conditions.map((c) => [c.name, c]));
    expect(byName.redis?.ok).toBe(true);
    expect(byName.slack).toMatchObject({ ok: true, required: true });
    expect(byName['queue-lab']).toMatchObject({ ok: true, required: true });
    expect(byName['kubernetes-api-lab']).toMatchObject({ ok: true, required: true });
    // The development redis-server keeps nothing on disk: an advisory warning, still ready.
    expect(byName['redis-persistence']).toMatchObject({ ok: false, required: false });
    expect(byName['redis-persistence']!.detail).toContain('keeps nothing on disk');
    const up = await new Promise<boolean>((resolve) => {
      const sock = connect(redisPort, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    expect(up).toBe(true);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('SIGTERM: shutting down');
    // The development redis-server went away with it.
    const stillUp = await new Promise<boolean>((resolve) => {
      const sock = connect(redisPort, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    expect(stillUp).toBe(false);
  });

  it('starts with the Slack Web API unreachable: not ready, the problem logged once per interval, no stack trace, recovers by itself', async () => {
    const apiPort = await freePort();
    const s = serve({ SLACK_BOT_TOKEN: 'xoxb-emulator', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: `http://127.0.0.1:${apiPort}/api/`, PORT: String(await freePort()), DNSWHY_OPS_PORT: '0', DNSWHY_OPS_HOST: '127.0.0.1' }, ['--role', 'app']);
    running = s.child;
    const wait = async (what: string, pred: () => Promise<boolean> | boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!(await pred())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${s.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await wait('ops endpoints', () => /\/healthz and \/readyz on/.test(s.output()), 60_000);
    const ops = opsUrl(s.output());
    await wait('listening', () => s.output().includes('listening on'), 30_000);
    // Several auth.test attempts (1 s, 2 s backoff) within the first few seconds, one log line.
    await new Promise((r) => setTimeout(r, 3500));
    expect(s.child.exitCode).toBeNull();
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${ops}/readyz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { conditions: { name: string; ok: boolean; detail: string }[] };
    expect(body.conditions.find((c) => c.name === 'slack')).toMatchObject({ ok: false, detail: 'cannot reach Slack (ECONNREFUSED)' });
    expect(s.output().match(/Slack Web API unavailable/g)).toHaveLength(1);
    expect(s.output()).not.toMatch(/\n\s+at [\w<.]/);
    // Slack comes back on that address: the app notices by itself.
    const late = await startSlackEmulator({ port: apiPort });
    try {
      await wait('ready', async () => (await fetch(`${ops}/readyz`)).status === 200, 40_000);
      expect(s.output()).toContain('Slack is reachable again');
      expect(late.callsOf('auth.test').length).toBeGreaterThanOrEqual(1);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      await late.stop();
    }
  });
});
