/**
 * A local Slack Web API that SLACK_API_URL can point at. It checks what Slack checks (tokens,
 * required arguments, Block Kit limits, thread_ts of an existing message, rate limits with 429 and
 * Retry-After), implements the methods dnswhy uses (chat.*, files.uploadV2 flow, users.info,
 * usergroups.users.list, conversations.replies, auth.test, apps.connections.open + Socket Mode),
 * and records every call. Used by the tests, the benchmarks and `dnswhy serve` demos.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateBlocks } from './block-validator.js';
import { defaultRateLimits, RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { SocketModeEndpoint } from './socket-mode-endpoint.js';

/** One recorded Web API call. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  ok: boolean;
  error?: string;
  status: number;
  at: number;
}

/** A message as the emulator stores it. */
export interface EmulatedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  user: string;
  edits: number;
  files?: { id: string; title: string; name: string; content: string }[];
}

export interface EmulatorOptions {
  botTokens?: string[];
  appTokens?: string[];
  /** Users users.info knows (id → name). */
  users?: Record<string, string>;
  /** User groups (id → member ids). */
  usergroups?: Record<string, string[]>;
  /** false disables rate limiting. */
  rateLimits?: Partial<RateLimitOptions> | false;
  port?: number;
}

export interface SlackEmulator {
  /** Web API base URL, e.g. http://127.0.0.1:PORT/api/ (for SLACK_API_URL / slackApiUrl). */
  apiUrl: string;
  baseUrl: string;
  calls: RecordedCall[];
  messages: EmulatedMessage[];
  ephemerals: { channel: string; user: string; text: string; blocks?: unknown[]; threadTs?: string }[];
  socket: SocketModeEndpoint;
  /** Messages of a thread (parent first), in order. */
  thread(channel: string, threadTs: string): EmulatedMessage[];
  /** Calls of one method. */
  callsOf(method: string): RecordedCall[];
  /**
   * Makes the next `count` calls of a method fail (an outage): with a Slack error such as
   * 'internal_error', or with an HTTP status such as 503.
   */
  inject(method: string, count: number, failure: { error: string } | { status: number }): void;
  /**
   * An outage: while on, every Web API and upload request has its connection reset before any
   * answer (what a client sees when Slack cannot be reached); nothing is recorded or changed.
   */
  outage(on: boolean): void;
  /** Resolves when `pred` holds on the recorded state (polls; rejects after timeoutMs with a description). */
  waitFor<T>(what: string, pred: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

class SlackApiError extends Error {
  constructor(readonly error: string, readonly extra: Record<string, unknown> = {}) {
    super(error);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(req: IncomingMessage, raw: Buffer, url: URL): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (type.includes('application/json')) {
    const parsed = JSON.parse(raw.toString() || '{}') as unknown;
    if (typeof parsed !== 'object' || parsed === null) throw new SlackApiError('invalid_json');
    Object.assign(args, parsed);
  } else if (raw.length > 0) {
    for (const [k, v] of new URLSearchParams(raw.toString())) args[k] = v;
  }
  // web-api sends objects and arrays as JSON strings inside the form.
  for (const k of ['blocks', 'attachments', 'metadata', 'files']) {
    if (typeof args[k] === 'string') {
      try {
        args[k] = JSON.parse(args[k] as string);
      } catch {
        throw new SlackApiError(k === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments', { errors: [`${k} is not valid JSON`] });
      }
    }
  }
  return args;
}

/**
 * Starts the emulator on 127.0.0.1.
 * @param opts - tokens, users and groups it knows, rate limits
 */
export async function startSlackEmulator(opts: EmulatorOptions = {}): Promise<SlackEmulator> {
  const botTokens = new Set(opts.botTokens ?? ['xoxb-emulator']);
  const appTokens = new Set(opts.appTokens ?? ['xapp-emulator']);
  const users = opts.users ?? {};
  const usergroups = opts.usergroups ?? {};
  const limiter = opts.rateLimits === false ? undefined : new RateLimiter({ ...defaultRateLimits, ...opts.rateLimits });
  const calls: RecordedCall[] = [];
  const messages: EmulatedMessage[] = [];
  const ephemerals: SlackEmulator['ephemerals'] = [];
  const uploads = new Map<string, { filename: string; length: number; content?: string }>();
  const socket = new SocketModeEndpoint();
  const faults = new Map<string, { count: number; failure: { error: string } | { status: number } }>();
  let seq = 0;
  let baseUrl = '';
  let down = false;
  const nextTs = () => {
    seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
  };
  const find = (channel: string, ts: string) => messages.find((m) => m.channel === channel && m.ts === ts);
  const req = (args: Record<string, unknown>, ...names: string[]) => {
    for (const n of names) if (args[n] === undefined || args[n] === '') throw new SlackApiError(n === 'channel' || n === 'channel_id' ? 'channel_not_found' : 'invalid_arguments', { errors: [`missing required field: ${n}`] });
  };
  const channelOk = (c: unknown) => {
    if (typeof c !== 'string' || !/^[CGD][A-Z0-9]+$/.test(c)) throw new SlackApiError('channel_not_found');
    return c;
  };
  const checkBlocks = (args: Record<string, unknown>) => {
    if (args.blocks === undefined) return;
    const errors = validateBlocks(args.blocks);
    if (errors.length > 0) throw new SlackApiError('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
  };
  const checkThread = (channel: string, threadTs: unknown) => {
    if (threadTs === undefined || threadTs === '') return undefined;
    const parent = find(channel, String(threadTs));
    if (!parent) throw new SlackApiError('thread_not_found');
    return parent.threadTs ?? parent.ts;
  };

  const methods: Record<string, (args: Record<string, unknown>, token: string) => Record<string, unknown>> = {
    'auth.test': () => ({ url: `${baseUrl}/`, team: 'Emulator', user: 'dnswhy', team_id: 'T0EMULATOR', user_id: 'U0DNSWHY', bot_id: 'B0DNSWHY', is_enterprise_install: false }),
    'chat.postMessage': (a) => {
      req(a, 'channel');
      const channel = channelOk(a.channel);
      if (!a.text && !a.blocks && !a.attachments) throw new SlackApiError('no_text');
      checkBlocks(a);
      const threadTs = checkThread(channel, a.thread_ts);
      const m: EmulatedMessage = {
        channel,
        ts: nextTs(),
        ...(threadTs ? { threadTs } : {}),
        text: String(a.text ?? ''),
        ...(Array.isArray(a.blocks) ? { blocks: a.blocks } : {}),
        ...(a.metadata ? { metadata: a.metadata as EmulatedMessage['metadata'] } : {}),
        user: 'U0DNSWHY',
        edits: 0,
      };
      messages.push(m);
      return { channel, ts: m.ts, message: { type: 'message', text: m.text, ts: m.ts, ...(threadTs ? { thread_ts: threadTs } : {}), bot_id: 'B0DNSWHY' } };
    },
    'chat.update': (a) => {
      req(a, 'channel', 'ts');
      const channel = channelOk(a.channel);
      if (!a.text && !a.blocks) throw new SlackApiError('no_text');
      checkBlocks(a);
      const m = find(channel, String(a.ts));
      if (!m) throw new SlackApiError('message_not_found');
      if (m.user !== 'U0DNSWHY') throw new SlackApiError('cant_update_message');
      m.text = String(a.text ?? m.text);
      if (Array.isArray(a.blocks)) m.blocks = a.blocks;
      m.edits += 1;
      return { channel, ts: m.ts, text: m.text };
    },
    'chat.postEphemeral': (a) => {
      req(a, 'channel', 'user');
      const channel = channelOk(a.channel);
      if (!a.text && !a.blocks) throw new SlackApiError('no_text');
      checkBlocks(a);
      if (a.thread_ts !== undefined) checkThread(channel, a.thread_ts);
      ephemerals.push({ channel, user: String(a.user), text: String(a.text ?? ''), ...(Array.isArray(a.blocks) ? { blocks: a.blocks } : {}), ...(a.thread_ts ? { threadTs: String(a.thread_ts) } : {}) });
      return { message_ts: nextTs() };
    },
    'chat.getPermalink': (a) => {
      req(a, 'channel', 'message_ts');
      const channel = channelOk(a.channel);
      const m = find(channel, String(a.message_ts));
      if (!m) throw new SlackApiError('message_not_found');
      const p = m.ts.replace('.', '');
      return { channel, permalink: `${baseUrl}/archives/${channel}/p${p}${m.threadTs ? `?thread_ts=${m.threadTs}&cid=${channel}` : ''}` };
    },
    'conversations.replies': (a) => {
      req(a, 'channel', 'ts');
      const channel = channelOk(a.channel);
      const parent = find(channel, String(a.ts));
      if (!parent) throw new SlackApiError('thread_not_found');
      const withMeta = a.include_all_metadata === true || a.include_all_metadata === 'true';
      const list = messages.filter((m) => m.channel === channel && (m.ts === parent.ts || m.threadTs === parent.ts));
      return {
        messages: list.map((m) => ({ type: 'message', ts: m.ts, ...(m.threadTs ? { thread_ts: m.threadTs } : {}), text: m.text, user: m.user, ...(withMeta && m.metadata ? { metadata: m.metadata } : {}), ...(m.files ? { files: m.files.map(({ id, name, title }) => ({ id, name, title })) } : {}) })),
        has_more: false,
      };
    },
    'users.info': (a) => {
      req(a, 'user');
      const name = users[String(a.user)];
      if (name === undefined) throw new SlackApiError('user_not_found');
      return { user: { id: a.user, name, real_name: name, is_bot: false, deleted: false } };
    },
    'usergroups.users.list': (a) => {
      req(a, 'usergroup');
      const members = usergroups[String(a.usergroup)];
      if (!members) throw new SlackApiError('no_such_subteam');
      return { users: members };
    },
    'files.getUploadURLExternal': (a) => {
      req(a, 'filename', 'length');
      const length = Number(a.length);
      if (!Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments', { errors: ['length must be an integer'] });
      const id = `F${String(uploads.size + 1).padStart(8, '0')}`;
      uploads.set(id, { filename: String(a.filename), length });
      return { upload_url: `${baseUrl}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (a) => {
      req(a, 'files');
      if (!Array.isArray(a.files) || a.files.length === 0) throw new SlackApiError('invalid_arguments', { errors: ['files must be a non-empty array'] });
      const done: { id: string; title: string; name: string; content: string }[] = [];
      for (const f of a.files as { id?: string; title?: string }[]) {
        const up = f.id ? uploads.get(f.id) : undefined;
        if (!up || up.content === undefined) throw new SlackApiError('file_not_found', { errors: [`file ${f.id} was not uploaded`] });
        done.push({ id: f.id!, title: f.title ?? up.filename, name: up.filename, content: up.content });
      }
      if (a.channel_id !== undefined) {
        const channel = channelOk(a.channel_id);
        const threadTs = checkThread(channel, a.thread_ts);
        messages.push({ channel, ts: nextTs(), ...(threadTs ? { threadTs } : {}), text: String(a.initial_comment ?? ''), user: 'U0DNSWHY', edits: 0, files: done });
      }
      return { files: done.map(({ id, title, name }) => ({ id, title, name })) };
    },
    'apps.connections.open': () => ({ url: socket.issueUrl(baseUrl) }),
  };

  const handleApi = async (request: IncomingMessage, res: ServerResponse, method: string, url: URL) => {
    const raw = await readBody(request);
    const call: RecordedCall = { method, args: {}, ok: false, status: 200, at: Date.now() };
    calls.push(call);
    const reply = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      call.status = status;
      call.ok = body.ok === true;
      if (typeof body.error === 'string') call.error = body.error;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      call.args = parseArgs(request, raw, url);
      const auth = request.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof call.args.token === 'string' ? call.args.token : undefined;
      if (token) call.token = token;
      const impl = methods[method];
      if (!impl) return reply(200, { ok: false, error: 'unknown_method' });
      if (!token) return reply(200, { ok: false, error: 'not_authed' });
      const wantsApp = method === 'apps.connections.open';
      if (!botTokens.has(token) && !appTokens.has(token)) return reply(200, { ok: false, error: 'invalid_auth' });
      if (wantsApp !== appTokens.has(token)) return reply(200, { ok: false, error: 'not_allowed_token_type' });
      const fault = faults.get(method);
      if (fault && fault.count > 0) {
        fault.count -= 1;
        if ('status' in fault.failure) return reply(fault.failure.status, { ok: false, error: `http_${fault.failure.status}` });
        return reply(200, { ok: false, error: fault.failure.error });
      }
      const channel = typeof call.args.channel === 'string' ? call.args.channel : undefined;
      const retryAfter = limiter?.check(method, token, channel) ?? 0;
      if (retryAfter > 0) return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
      reply(200, { ok: true, ...impl(call.args, token) });
    } catch (err) {
      if (err instanceof SlackApiError) return reply(200, { ok: false, error: err.error, ...err.extra });
      reply(200, { ok: false, error: 'invalid_arguments', errors: [(err as Error).message] });
    }
  };

  const server: Server = createServer((request, res) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (down && !url.pathname.startsWith('/_emulator/')) return void request.socket.destroy();
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (request.method === 'POST' && api) return void handleApi(request, res, api[1]!, url);
    const upload = /^\/upload\/(F\d+)$/.exec(url.pathname);
    if (request.method === 'POST' && upload) {
      void readBody(request).then(async (raw) => {
        const up = uploads.get(upload[1]!);
        calls.push({ method: 'upload', args: { file_id: upload[1], bytes: raw.length }, ok: !!up, status: up ? 200 : 404, at: Date.now() });
        if (!up) return void res.writeHead(404).end('file not found');
        // The upload URL takes the raw bytes or a multipart form (web-api sends the latter).
        const type = request.headers['content-type'] ?? '';
        if (type.startsWith('multipart/form-data')) {
          const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
          const part = [...form.values()][0];
          up.content = part === undefined ? '' : typeof part === 'string' ? part : await part.text();
        } else up.content = raw.toString('utf8');
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      });
      return;
    }
    // Inspection for other processes (benchmarks, demos): what was posted and called so far.
    if (request.method === 'GET' && url.pathname === '/_emulator/messages') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(messages));
    if (request.method === 'GET' && url.pathname === '/_emulator/calls') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.on('upgrade', (request, sock, head) => {
    if ((request.url ?? '').startsWith('/link')) socket.handleUpgrade(request, sock, head);
    else sock.end('HTTP/1.1 404 Not Found\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls,
    messages,
    ephemerals,
    socket,
    thread: (channel, threadTs) => messages.filter((m) => m.channel === channel && (m.ts === threadTs || m.threadTs === threadTs)),
    callsOf: (method) => calls.filter((c) => c.method === method),
    inject(method, count, failure) {
      faults.set(method, { count, failure });
    },
    outage(on) {
      down = on;
      if (on) server.closeIdleConnections();
    },
    async waitFor<T>(what: string, pred: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = pred();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
