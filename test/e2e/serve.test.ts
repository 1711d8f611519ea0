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

function serve(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve'], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
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
    const s = serve({ SLACK_BOT_TOKEN: 'xoxb-emulator', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl, PORT: String(port), DNSWHY_LAB: join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml'), DNSWHY_APPROVERS: 'U0APPROVER' });
    running = s.child;
    await slack.waitFor('serve ready', () => s.output().includes('listening on'), 60_000);
    expect(s.output()).toMatch(/REDIS_URL is not set: started a local redis-server at redis:\/\/127\.0\.0\.1:(\d+)/);
    const redisPort = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(s.output())![1]);
    const res = await sendSigned(`http://127.0.0.1:${port}/slack/events`, secret, slashCommandBody({ text: 'why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', user: 'U0ASKER', channel: 'C0SERVE' }));
    expect(res.status).toBe(200);
    const parent = await slack.waitFor('parent', () => slack!.messages.find((m) => m.channel === 'C0SERVE' && !m.threadTs), 30_000);
    const report = await slack.waitFor('report', () => slack!.thread('C0SERVE', parent.ts).find((m) => m.threadTs !== undefined && m.text.startsWith('Broken:')), 60_000);
    expect(JSON.stringify(report.blocks)).toContain('upstream-split-horizon');
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
});
