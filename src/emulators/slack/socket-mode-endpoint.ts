/**
 * A local Socket Mode endpoint: apps.connections.open hands out a ws:// URL here; on connect the
 * emulator sends `hello`, and tests push envelopes (slash commands, button clicks) that the app
 * must acknowledge by envelope_id, as Slack's servers do.
 * https://docs.slack.dev/apis/events-api/using-socket-mode
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** An acknowledgement received for an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

export class SocketModeEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Map<string, (ack: SocketAck) => void>();
  private readonly tickets = new Set<string>();
  /** Every ack received, in order. */
  readonly acks: SocketAck[] = [];
  private connectedWaiters: (() => void)[] = [];

  /** A one-time URL for apps.connections.open. */
  issueUrl(base: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${base.replace(/^http/, 'ws')}/link/?ticket=${ticket}`;
  }

  /** Handles an HTTP upgrade; refuses unknown tickets. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        let msg: SocketAck;
        try {
          msg = JSON.parse(data.toString()) as SocketAck;
        } catch {
          return;
        }
        if (typeof msg.envelope_id !== 'string') return;
        this.acks.push(msg);
        this.waiting.get(msg.envelope_id)?.(msg);
        this.waiting.delete(msg.envelope_id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'emulator', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0DNSWHY' } }));
      for (const w of this.connectedWaiters.splice(0)) w();
    });
  }

  /** Number of open connections. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Resolves when at least one app is connected. */
  async connected(): Promise<void> {
    if (this.sockets.size > 0) return;
    await new Promise<void>((r) => this.connectedWaiters.push(r));
  }

  /**
   * Pushes an envelope to a connected app and waits for its ack.
   * @param type - 'slash_commands' | 'interactive' | 'events_api'
   */
  async push(type: string, payload: unknown, timeoutMs = 5000): Promise<SocketAck> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('no Socket Mode connection: start the app with an app token first');
    const envelope_id = randomUUID();
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(envelope_id);
        reject(new Error(`envelope ${envelope_id} (${type}) was not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(envelope_id, (a) => {
        clearTimeout(t);
        resolve(a);
      });
    });
    ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return acked;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
