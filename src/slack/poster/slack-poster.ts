/**
 * Everything dnswhy sends to Slack goes through here: per-channel pacing (≈1 message/s), 429
 * handling that waits for Retry-After and tries again, files.uploadV2 for long content, and a
 * lookup of our own posts by metadata (so a job that died after posting does not post twice).
 */
import type { WebClient } from '@slack/web-api';
import type { RenderedFile, RenderedMessage } from '../blocks/block-types.js';
import { postMetadataType } from '../ids.js';
import { ChannelPacer } from './channel-pacer.js';
import { RateLimitLines } from './rate-limit-line.js';
import type { DnswhyMetrics } from '../../ops/metrics.js';

/** Error code of @slack/web-api's rate-limit error (thrown when rejectRateLimitedCalls is set). */
const rateLimited = 'slack_webapi_rate_limited_error';

export interface PosterOptions {
  /** Spacing of messages in one channel. */
  channelIntervalMs?: number;
  /** Messages one channel may take at once before the spacing applies (Slack tolerates short bursts). */
  channelBurst?: number;
  /** How many 429s in a row one call tolerates before giving up (the job then retries later). */
  maxRateLimitRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every call that failed for good (the connection watcher marks Slack down on network errors). */
  onFailure?: (err: unknown) => void;
  /** Where failed calls and 429s are counted (/metrics). */
  metrics?: Pick<DnswhyMetrics, 'slackErrors' | 'slackRateLimited'>;
}

/** Slack's error word of a failed call (`not_in_channel`, `channel_not_found`), when Slack answered. */
export function slackErrorWord(err: unknown): string | undefined {
  const word = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof word === 'string' ? word : undefined;
}

/** What to tell someone when the bot may not post in a channel (a private one it was not invited to). */
export function inviteHint(channel: string): string {
  return `invite the bot there with \`/invite @dnswhy\` in <#${channel}> (a private channel needs it; public ones are reached through chat:write.public)`;
}

/** Where a post goes. */
export interface PostTarget {
  channel: string;
  threadTs?: string;
}

export class SlackPoster {
  private readonly pacer: ChannelPacer;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly onFailure: (err: unknown) => void;
  private readonly metrics: PosterOptions['metrics'];
  private readonly lines = new RateLimitLines();
  /** Number of 429 answers seen (for tests and benchmarks). */
  rateLimitedCount = 0;

  constructor(private readonly client: WebClient, opts: PosterOptions = {}) {
    this.sleep = opts.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    this.pacer = new ChannelPacer(opts.channelIntervalMs ?? 1000, this.sleep, opts.channelBurst ?? 3);
    this.maxRetries = opts.maxRateLimitRetries ?? 5;
    this.onFailure = opts.onFailure ?? (() => undefined);
    this.metrics = opts.metrics;
  }

  /**
   * Runs a call, waiting out 429s (Retry-After seconds) up to maxRetries times. After a 429 the
   * method's calls take turns (RateLimitLines), so waiting behind others costs no retries.
   */
  private async withRateLimit<T>(method: string, channel: string | undefined, call: () => Promise<T>): Promise<T> {
    // chat.postMessage is limited per channel, the other methods per workspace token.
    const key = method === 'chat.postMessage' && channel ? `${method}|${channel}` : method;
    // A call that finds a line waits in it, and then holds its turn through its own 429s.
    let holdsTurn = this.lines.has(key);
    let release = await this.lines.turn(key);
    try {
      return await this.retrying(method, channel, call, async (waitMs) => {
        this.lines.open(key);
        await this.sleep(waitMs);
        if (!holdsTurn) {
          release();
          release = await this.lines.turn(key);
          holdsTurn = true;
        }
      });
    } finally {
      release();
    }
  }

  private async retrying<T>(method: string, channel: string | undefined, call: () => Promise<T>, waitOut: (ms: number) => Promise<void>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
        if (e.code === rateLimited) this.metrics?.slackRateLimited.inc({ method });
        if (e.code !== rateLimited || attempt >= this.maxRetries) {
          // Slack's own error word (not_in_channel, channel_not_found) when it answered, else the client's code.
          this.metrics?.slackErrors.inc({ method, error: e.data?.error ?? e.code ?? 'unknown' });
          this.onFailure(err);
          throw err;
        }
        this.rateLimitedCount += 1;
        // Jitter: callers refused together must not all come back in the same instant.
        const waitMs = Math.max(1, e.retryAfter ?? 1) * 1000 + Math.floor(Math.random() * 250);
        if (channel) this.pacer.defer(channel, waitMs);
        await waitOut(waitMs);
      }
    }
  }

  /**
   * Posts a message (in a thread when threadTs is set).
   * @param postKey - stored in the message metadata, to find the post again after a crash
   * @returns the message ts
   */
  async post(to: PostTarget, msg: RenderedMessage, postKey?: string): Promise<string> {
    return this.withRateLimit('chat.postMessage', to.channel, async () => {
      await this.pacer.slot(to.channel);
      const res = await this.client.chat.postMessage({
        channel: to.channel,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
        text: msg.text,
        blocks: msg.blocks,
        unfurl_links: false,
        ...(postKey ? { metadata: { event_type: postMetadataType, event_payload: { key: postKey } } } : {}),
      });
      if (!res.ts) throw new Error('chat.postMessage returned no ts');
      return res.ts;
    });
  }

  /** Replaces a message (the progress message, a proposal after a decision). */
  async update(channel: string, ts: string, msg: RenderedMessage): Promise<void> {
    await this.withRateLimit('chat.update', undefined, () => this.client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks }));
  }

  /**
   * Replaces a message with a state the next update supersedes (progress, a place in line): while
   * chat.update calls wait in line after a 429, or when this call gets one, it is dropped instead
   * of waiting Retry-After, since by then a newer update (or the final one, sent with update())
   * says more; waiting would only queue stale calls ahead of the ones that matter.
   * @returns false when it was dropped for the rate limit
   */
  async updateIfNotLimited(channel: string, ts: string, msg: RenderedMessage): Promise<boolean> {
    if (this.lines.has('chat.update')) return false;
    try {
      await this.client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks });
      return true;
    } catch (err) {
      const e = err as { code?: string; data?: { error?: string } };
      if (e.code === rateLimited) {
        this.metrics?.slackRateLimited.inc({ method: 'chat.update' });
        this.rateLimitedCount += 1;
        return false;
      }
      this.metrics?.slackErrors.inc({ method: 'chat.update', error: e.data?.error ?? e.code ?? 'unknown' });
      this.onFailure(err);
      throw err;
    }
  }

  /** A message only one user sees. */
  async ephemeral(to: PostTarget, user: string, msg: RenderedMessage): Promise<void> {
    await this.withRateLimit('chat.postEphemeral', undefined, () =>
      this.client.chat.postEphemeral({ channel: to.channel, user, text: msg.text, blocks: msg.blocks, ...(to.threadTs ? { thread_ts: to.threadTs } : {}) }),
    );
  }

  /** Uploads a text file into a thread with the files.uploadV2 flow (getUploadURLExternal → upload → completeUploadExternal). */
  async upload(to: PostTarget, file: RenderedFile, comment?: string): Promise<void> {
    await this.withRateLimit('files.uploadV2', to.channel, async () => {
      await this.pacer.slot(to.channel);
      await this.client.filesUploadV2({
        channel_id: to.channel,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
        filename: file.filename,
        title: file.title,
        ...(file.binary ? { file: Buffer.from(file.binary) } : { content: file.content }),
        ...(comment ? { initial_comment: comment } : {}),
      } as Parameters<WebClient['filesUploadV2']>[0]);
    });
  }

  /** A permanent link to a message. */
  async permalink(channel: string, ts: string): Promise<string> {
    const res = await this.withRateLimit('chat.getPermalink', undefined, () => this.client.chat.getPermalink({ channel, message_ts: ts }));
    if (!res.permalink) throw new Error('chat.getPermalink returned no permalink');
    return res.permalink;
  }

  /**
   * Finds a file we already shared in a thread, by file name and title (an upload whose recording
   * was lost to a crash), if any.
   */
  async findUploaded(channel: string, threadTs: string, file: Pick<RenderedFile, 'filename' | 'title'>): Promise<string | undefined> {
    const res = await this.withRateLimit('conversations.replies', undefined, () => this.client.conversations.replies({ channel, ts: threadTs, limit: 200 }));
    for (const m of res.messages ?? []) {
      const files = (m as { files?: { id?: string; name?: string; title?: string }[] }).files ?? [];
      const f = files.find((x) => x.name === file.filename && x.title === file.title);
      if (f?.id) return f.id;
    }
    return undefined;
  }

  /** Finds our earlier post with this key in a thread (metadata), if any. */
  async findPosted(channel: string, threadTs: string, postKey: string): Promise<string | undefined> {
    const res = await this.withRateLimit('conversations.replies', undefined, () => this.client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 }));
    for (const m of res.messages ?? []) {
      const meta = (m as { metadata?: { event_type?: string; event_payload?: { key?: string } } }).metadata;
      if (meta?.event_type === postMetadataType && meta.event_payload?.key === postKey && m.ts) return m.ts;
    }
    return undefined;
  }
}
