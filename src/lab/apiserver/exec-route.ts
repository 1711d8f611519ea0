/**
 * `pods/exec` over WebSocket with the v5/v4 channel protocols: channel 1 stdout, 2 stderr, 3 the
 * status (Success, or Failure with the exit code as kubelet reports it). SPDY upgrades get a 400,
 * which makes kubectl ≥1.30 report the error rather than hang.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ApiBackend } from './backend.js';
import type { UserInfo } from '../rbac/authorizer.js';
import { badRequest, type KubeStatus, ApiError, forbidden, notFound } from './status.js';

export const execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface ExecUpgrade {
  /** Created on the first exec (ws is kept off the lab's start-up path). */
  wss?: Promise<WebSocketServer>;
  sockets: Set<WebSocket>;
}

export function createExecServer(): ExecUpgrade {
  return { sockets: new Set() };
}

function execWss(ex: ExecUpgrade): Promise<WebSocketServer> {
  ex.wss ??= import('ws').then(
    ({ WebSocketServer }) =>
      new WebSocketServer({ noServer: true, handleProtocols: (offered) => execProtocols.find((p) => offered.has(p)) ?? false }),
  );
  return ex.wss;
}

function writeHttpError(socket: Duplex, status: KubeStatus): void {
  const body = JSON.stringify(status);
  const reason = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Handles an upgrade for `/api/v1/namespaces/NS/pods/NAME/exec`; returns false for other paths. */
export function handleExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, backend: ApiBackend, ex: ExecUpgrade, user: UserInfo): boolean {
  const url = new URL(req.url ?? '/', 'https://lab');
  const m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach)$/);
  if (!m) return false;
  const [, ns, name, sub] = m as unknown as [string, string, string, string];
  try {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw badRequest(`Upgrade request required`);
    }
    if (sub === 'attach') throw badRequest('attach is not supported by the dnswhy lab');
    // A WebSocket exec is a GET, authorised as `get` on pods/exec; from 1.35 the API server also
    // requires `create` (what the SPDY POST always needed).
    for (const verb of backend.minorVersion >= 35 ? ['get', 'create'] : ['get']) {
      if (!backend.authorize(user, { verb, group: '', resource: 'pods', subresource: sub, namespace: ns, name })) {
        throw forbidden(user.name, verb, { plural: 'pods', group: '', subresource: sub }, ns, name);
      }
    }
    const pod = backend.store.get('pods', ns, name) as any;
    if (!pod) throw notFound({ plural: 'pods', group: '' }, name);
    const command = url.searchParams.getAll('command');
    if (command.length === 0) throw badRequest('you must specify at least one command for the container');
    const containers: string[] = [...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])].map((c: any) => c.name);
    const container = url.searchParams.get('container') ?? containers[0]!;
    if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
    if (pod.status?.phase !== 'Running') {
      throw badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.status?.phase}`);
    }
    void execWss(ex).then((wss) => wss.handleUpgrade(req, socket, head, (ws) => {
      ex.sockets.add(ws);
      ws.on('close', () => ex.sockets.delete(ws));
      ws.on('message', () => {
        // stdin (0), resize (4) and v5 close (255) frames: the lab's commands read no input.
      });
      const frame = (ch: number, data: string) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data, 'utf8')]));
      };
      void backend
        .exec(ns, name, container, command)
        .catch((e: Error) => ({ stdout: '', stderr: `${e.message}\n`, exitCode: 1 }))
        .then((r) => {
          if (r.stdout) frame(1, r.stdout);
          if (r.stderr) frame(2, r.stderr);
          const status =
            r.exitCode === 0
              ? { metadata: {}, status: 'Success' }
              : {
                  metadata: {},
                  status: 'Failure',
                  message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${r.exitCode}`,
                  reason: 'NonZeroExitCode',
                  details: { causes: [{ reason: 'ExitCode', message: String(r.exitCode) }] },
                };
          frame(3, JSON.stringify(status));
          ws.close(1000);
        });
    }));
  } catch (e) {
    if (e instanceof ApiError) writeHttpError(socket, e.status);
    else socket.destroy();
  }
  return true;
}
