/**
 * Bolt receiver for HTTP mode with replay protection: Bolt's HTTPReceiver verifies signatures and
 * the timestamp window but accepts the same signed request twice, so this receiver verifies
 * (verify-request.ts), parses and dispatches requests at POST /slack/events itself. The ack is
 * sent as the HTTP response at once; a listener that never acks gets a 404 after ~3 s, as Bolt does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { ReplayGuard } from './replay-guard.js';
import { payloadProblem } from './payload-shape.js';
import { verifyRequest } from './verify-request.js';

export interface ReceiverLogger {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface VerifiedHttpReceiverOptions {
  signingSecret: string;
  replayGuard: ReplayGuard;
  logger: ReceiverLogger;
  path?: string;
  /** Largest body accepted (Slack payloads are small). */
  maxBodyBytes?: number;
  unhandledRequestTimeoutMs?: number;
}

/** Counters of refused requests by reason (tests and benchmarks read them). */
export type RefusalCounts = Record<string, number>;

export class VerifiedHttpReceiver implements Receiver {
  private app?: App;
  private server?: Server;
  readonly refused: RefusalCounts = {};

  constructor(private readonly opts: VerifiedHttpReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  /** Starts listening; resolves to the server. */
  async start(port = 3000, host = '0.0.0.0'): Promise<Server> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return server;
  }

  /** The port listened on. */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeIdleConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private refuse(res: ServerResponse, status: number, reason: string, detail: string): void {
    this.refused[reason] = (this.refused[reason] ?? 0) + 1;
    this.opts.logger.warn({ reason, detail }, 'refused a Slack request');
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 401 ? 'invalid request signature' : `${reason}: ${detail}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = this.opts.path ?? '/slack/events';
    if ((req.url ?? '').split('?')[0] !== path) return void res.writeHead(404).end();
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    const max = this.opts.maxBodyBytes ?? 1_000_000;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > max) {
          // The rest of the body is not read: the connection cannot carry another request after it.
          res.setHeader('connection', 'close');
          return this.refuse(res, 413, 'too-large', `the request body is over ${max} bytes, the limit for a Slack request`);
        }
        chunks.push(c as Buffer);
      }
    } catch (err) {
      return this.refuse(res, 400, 'read-error', (err as Error).message);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const header = (n: string) => {
      const v = req.headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    const verdict = await verifyRequest(this.opts.signingSecret, { signature: header('x-slack-signature'), timestamp: header('x-slack-request-timestamp') }, raw, this.opts.replayGuard);
    if (!verdict.ok) return this.refuse(res, 401, verdict.reason, verdict.detail);

    let body: Record<string, unknown>;
    try {
      body = parseBody(header('content-type') ?? '', raw);
    } catch (err) {
      return this.refuse(res, 400, 'malformed', (err as Error).message);
    }
    const incomplete = payloadProblem(body);
    if (incomplete) return this.refuse(res, 400, 'incomplete-payload', incomplete);
    if (body.type === 'url_verification' && typeof body.challenge === 'string') {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: body.challenge }));
    }
    if (!this.app) return this.refuse(res, 503, 'not-ready', 'receiver has no app');

    let acked = false;
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      this.opts.logger.error({ type: body.type ?? body.command }, 'no ack within 3 s');
      res.writeHead(404).end();
    }, this.opts.unhandledRequestTimeoutMs ?? 3001);
    const event: ReceiverEvent = {
      body,
      ...(header('x-slack-retry-num') ? { retryNum: Number(header('x-slack-retry-num')) } : {}),
      ...(header('x-slack-retry-reason') ? { retryReason: header('x-slack-retry-reason')! } : {}),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        if (response === undefined || response === '') res.writeHead(200).end();
        else if (typeof response === 'string') res.writeHead(200, { 'content-type': 'text/plain' }).end(response);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
      },
    };
    try {
      await this.app.processEvent(event);
    } catch (err) {
      this.opts.logger.error({ err: (err as Error).message }, 'listener failed');
      if (!acked) {
        acked = true;
        clearTimeout(timer);
        res.writeHead(500).end();
      }
    }
  }
}

/** Parses a Slack request body: form (slash commands, `payload=` for interactions) or JSON (events). */
export function parseBody(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('JSON body is not an object');
    return v as Record<string, unknown>;
  }
  if (!contentType.includes('application/x-www-form-urlencoded')) throw new Error(`unsupported content-type "${contentType.slice(0, 60)}"`);
  const form = Object.fromEntries(new URLSearchParams(raw));
  if (typeof form.payload === 'string') {
    const v = JSON.parse(form.payload) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('payload is not a JSON object');
    return v as Record<string, unknown>;
  }
  if (typeof form.command !== 'string') throw new Error('form body has neither command nor payload');
  return form;
}
