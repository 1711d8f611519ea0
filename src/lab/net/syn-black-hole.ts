/**
 * A TCP address where SYNs are never answered, so a client's connect() times out exactly as when a
 * firewall drops the SYN. On loopback the kernel completes handshakes for any listener before
 * userspace sees them, so the only way to get a silent SYN without root is a listener whose accept
 * queue is full: it listens (backlog 1) in a worker thread that blocks and never calls accept(),
 * and two connections of our own fill the queue; the kernel then drops every further SYN.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const net = require('node:net');
const srv = net.createServer();
srv.on('error', (e) => parentPort.postMessage({ error: String(e && e.message) }));
srv.listen({ host: workerData.host, port: 0, backlog: 1 }, () => {
  parentPort.postMessage({ port: srv.address().port });
  // Block this thread's event loop: libuv never accepts, so the kernel's accept queue stays full.
  Atomics.wait(new Int32Array(workerData.flag), 0, 0);
  srv.close();
});`;

export class SynBlackHole {
  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly worker: Worker,
    private readonly flag: Int32Array,
    private readonly fillers: net.Socket[],
  ) {}

  /** Starts the black hole on `host` (a loopback address of its own). */
  static async start(host: string): Promise<SynBlackHole> {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(workerSource, { eval: true, workerData: { host, flag: flag.buffer } });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { port?: number; error?: string }) =>
        m.port ? resolve(m.port) : reject(new Error(`SYN black hole on ${host}: ${m.error}`)),
      );
      worker.once('error', reject);
    });
    const fillers: net.Socket[] = [];
    // With backlog 1 the queue is full after two queued connections (ack_backlog > max_ack_backlog).
    for (let i = 0; i < 2; i++) {
      const s = net.connect({ host, port });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('error', reject);
      });
      fillers.push(s);
    }
    return new SynBlackHole(host, port, worker, flag, fillers);
  }

  async stop(): Promise<void> {
    for (const s of this.fillers) s.destroy();
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
    await this.worker.terminate();
  }
}
