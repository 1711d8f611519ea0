/**
 * Whether Slack's Web API can be reached with our token, watched instead of assumed: at start (and
 * again whenever a call fails for lack of a connection) `auth.test` is retried with exponential
 * backoff until it answers. Meanwhile the readiness condition says why we are not ready, the log
 * names the problem once per interval (not once per attempt), and whoever depends on Slack (the
 * delivery worker) is told when it goes down and comes back. Bolt never calls auth.test itself:
 * it gets the token from `authorization()`, so a Slack outage at start is not a crash.
 */
import type { WebClient } from '@slack/web-api';
import type { QueueLogger } from '../queue/connection.js';
import type { ConditionHandle } from '../ops/readiness.js';

export interface SlackConnectionOptions {
  /** First retry delay; doubles up to maxDelayMs (with jitter). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** At most one log line about an ongoing problem per interval. */
  logIntervalMs?: number;
}

/** Web API error codes that mean "Slack could not be reached" (as opposed to Slack answering no). */
const unreachableCodes = new Set(['slack_webapi_request_error']);

/** True when an error from @slack/web-api means the API was not reached or is down (network, 5xx). */
export function isSlackUnreachable(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code !== undefined && unreachableCodes.has(e.code)) return true;
  return e.code === 'slack_webapi_http_error' && typeof e.statusCode === 'number' && e.statusCode >= 500;
}

function describe(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string }; original?: { code?: string; message?: string; cause?: { code?: string; message?: string } }; statusCode?: number; message?: string };
  if (e?.data?.error) return `Slack answered ${e.data.error}`;
  if (e?.code === 'slack_webapi_request_error') return `cannot reach Slack (${e.original?.cause?.code ?? e.original?.code ?? e.original?.cause?.message ?? e.original?.message ?? 'request failed'})`;
  if (e?.statusCode) return `Slack answered HTTP ${e.statusCode}`;
  return e?.message ?? String(err);
}

export class SlackConnection {
  private up = false;
  private identity?: { botId?: string; botUserId?: string; team?: string };
  private probing?: Promise<void>;
  private stopped = false;
  private readonly listeners: ((up: boolean) => void)[] = [];
  private downSince = 0;
  private failures = 0;
  private lastLogAt = 0;
  private wake?: () => void;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly logInterval: number;
  private markAttempted!: () => void;
  private readonly firstAttempt = new Promise<void>((r) => (this.markAttempted = r));

  constructor(
    private readonly client: WebClient,
    private readonly token: string,
    private readonly log: QueueLogger,
    private readonly condition?: ConditionHandle,
    opts: SlackConnectionOptions = {},
  ) {
    this.minDelay = opts.minDelayMs ?? 1000;
    this.maxDelay = opts.maxDelayMs ?? 30_000;
    this.logInterval = opts.logIntervalMs ?? 60_000;
  }

  /** True while the last auth.test (or call) reached Slack. */
  get isUp(): boolean {
    return this.up;
  }

  /** Called with true when Slack becomes reachable, false when it stops being so. */
  onChange(listener: (up: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Starts verifying the token (retrying in the background); resolves after the first attempt. */
  async start(): Promise<void> {
    this.ensureProbing();
    await this.firstAttempt;
  }

  /** What Bolt needs to run a listener: the token, and the bot's ids once auth.test told them. */
  authorization(): { botToken: string; botId?: string; botUserId?: string } {
    return { botToken: this.token, ...(this.identity?.botId ? { botId: this.identity.botId } : {}), ...(this.identity?.botUserId ? { botUserId: this.identity.botUserId } : {}) };
  }

  /** A call failed: when for lack of a connection, mark Slack down and start probing again. */
  reportFailure(err: unknown): void {
    if (!isSlackUnreachable(err)) return;
    if (this.up) this.setDown(describe(err));
    this.ensureProbing();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private ensureProbing(): void {
    if (this.probing || this.stopped) return;
    this.probing = this.loop().finally(() => {
      this.probing = undefined;
    });
  }

  private async loop(): Promise<void> {
    let delay = this.minDelay;
    while (!this.stopped) {
      try {
        const r = await this.client.auth.test({ token: this.token });
        this.identity = { ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}), ...(r.team ? { team: r.team } : {}) };
        this.setUp(`auth.test ok: bot ${r.user_id ?? '?'} in ${r.team ?? r.team_id ?? 'the workspace'}`);
        this.markAttempted();
        return;
      } catch (err) {
        this.failures += 1;
        this.setDown(describe(err));
        this.markAttempted();
      }
      const jittered = delay / 2 + Math.random() * (delay / 2);
      await new Promise<void>((r) => {
        const t = setTimeout(r, jittered);
        t.unref();
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      delay = Math.min(this.maxDelay, delay * 2);
    }
  }

  private setUp(detail: string): void {
    const was = this.up;
    this.up = true;
    this.condition?.set(true, detail);
    if (!was) {
      const downMs = this.downSince ? Date.now() - this.downSince : 0;
      this.log.info({ detail, ...(this.downSince ? { downMs, failedAttempts: this.failures } : {}) }, this.downSince ? 'Slack is reachable again' : 'Slack token verified');
      this.downSince = 0;
      this.failures = 0;
      this.lastLogAt = 0;
      for (const l of this.listeners) l(true);
    }
  }

  private setDown(detail: string): void {
    const was = this.up;
    this.up = false;
    this.condition?.set(false, detail);
    const now = Date.now();
    if (!this.downSince) this.downSince = now;
    if (now - this.lastLogAt >= this.logInterval) {
      this.lastLogAt = now;
      this.log.warn({ problem: detail, downForMs: now - this.downSince, failedAttempts: this.failures, nextLogInMs: this.logInterval }, 'Slack Web API unavailable: retrying with backoff; posts wait in the queue');
    }
    if (was) for (const l of this.listeners) l(false);
  }
}
