/**
 * The lab process's side of a namespace agent (agent-source.ts): asks it for sockets inside its
 * namespace and receives them as ordinary Node sockets (the kernel object stays in the namespace).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type dgram from 'node:dgram';
import type net from 'node:net';
import { agentSource } from './agent-source.js';
import { DnswhyError } from '../../core/errors.js';

type Reply = { id: number; ok?: boolean; error?: string; localPort?: number };

/** A socket operation the agent could not do (the errno code, e.g. EADDRNOTAVAIL, ECONNREFUSED). */
export class AgentSocketError extends DnswhyError {
  override readonly code = 'lab-netns-socket-failed';
  override readonly permanent = false;
  constructor(readonly errno: string, what: string) {
    super(`${what}: ${errno}`);
  }
}

export class NamespaceAgent {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Reply, handle: unknown) => void>();
  private exited = false;

  private constructor(readonly ns: string, private readonly child: ChildProcess) {
    child.on('message', (m: Reply, handle: unknown) => {
      const w = this.waiting.get(m.id);
      if (!w) {
        // A connection that arrived after its caller gave up.
        (handle as net.Socket | undefined)?.destroy?.();
        return;
      }
      this.waiting.delete(m.id);
      w(m, handle);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const [id, w] of this.waiting) w({ id, error: 'agent exited' }, undefined);
      this.waiting.clear();
    });
  }

  /** Starts the agent of namespace `ns` (`tag` marks its command line, for the clean-up check). */
  static start(ns: string, tag: string): Promise<NamespaceAgent> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', agentSource, '--', `dnswhy-lab-agent=${tag}`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the agent of namespace ${ns} exited (${code}) before it was ready`)));
      child.once('message', () => {
        child.removeAllListeners('exit');
        resolve(new NamespaceAgent(ns, child));
      });
    });
  }

  private ask<T>(op: Record<string, unknown>, what: string): { id: number; result: Promise<{ reply: Reply; handle: T }> } {
    const id = this.nextId++;
    const result = new Promise<{ reply: Reply; handle: T }>((resolve, reject) => {
      if (this.exited) return reject(new AgentSocketError('agent exited', what));
      this.waiting.set(id, (reply, handle) => (reply.error ? reject(new AgentSocketError(reply.error, what)) : resolve({ reply, handle: handle as T })));
      this.child.send({ ...op, id });
    });
    return { id, result };
  }

  /** A UDP socket bound to ip:port (0: an ephemeral port) in this namespace. */
  async udp(ip: string, port: number): Promise<dgram.Socket> {
    return (await this.ask<dgram.Socket>({ op: 'udp', ip, port }, `udp bind ${ip}:${port} in ${this.ns}`).result).handle;
  }

  /** A TCP server listening on ip:port in this namespace. */
  async listen(ip: string, port: number): Promise<net.Server> {
    return (await this.ask<net.Server>({ op: 'listen', ip, port }, `tcp listen ${ip}:${port} in ${this.ns}`).result).handle;
  }

  /** A TCP connection from `from` to host:port made in this namespace; rejects with ETIMEDOUT after `timeoutMs`. */
  async connect(from: string | undefined, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
    const { id, result } = this.ask<net.Socket>({ op: 'connect', from, host, port }, `tcp connect ${host}:${port} from ${this.ns}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.waiting.delete(id);
        if (!this.exited) this.child.send({ op: 'abort', ref: id });
        reject(new AgentSocketError('ETIMEDOUT', `tcp connect ${host}:${port} from ${this.ns}`));
      }, timeoutMs);
    });
    try {
      return (await Promise.race([result, timeout])).handle;
    } finally {
      clearTimeout(timer);
    }
  }

  stop(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
