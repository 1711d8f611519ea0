/**
 * The operations endpoints of a dnswhy process (app, worker or both), on their own port so that
 * Kubernetes probes never compete with Slack traffic:
 *
 * - `GET /healthz`: 200 while the process serves HTTP at all (liveness: restart me if this fails).
 * - `GET /readyz`: 200 when every required readiness condition holds, else 503; the JSON body lists
 *   every condition with its detail, advisory ones (warnings) included.
 *
 * More endpoints (metrics) are added with `route()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from './readiness.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface OpsServer {
  /** The port listened on. */
  readonly port: number;
  /** Adds a GET endpoint (e.g. /metrics). */
  route(path: string, handler: RouteHandler): void;
  stop(): Promise<void>;
}

/** Starts the endpoints on host:port (port 0: a free one). */
export async function startOpsServer(readiness: Readiness, opts: { port: number; host?: string }): Promise<OpsServer> {
  const routes = new Map<string, RouteHandler>();
  routes.set('/healthz', (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'));
  routes.set('/readyz', async (_req, res) => {
    const r = await readiness.report();
    res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(r)}\n`);
  });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = routes.get(path);
    if (!handler) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    Promise.resolve(handler(req, res)).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    get port() {
      return (server.address() as AddressInfo | null)?.port ?? 0;
    },
    route(path, handler) {
      routes.set(path, handler);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
