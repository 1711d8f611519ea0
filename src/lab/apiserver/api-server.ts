/**
 * The lab's Kubernetes API server over HTTP on loopback: routes each request to discovery, the
 * resource routes or the pod subresources, checks the bearer token and the RBAC emulation, and
 * turns errors into Status responses. Exec upgrades go to exec-route.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { findResource } from '../state/resources.js';
import type { ApiBackend } from './backend.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { createExecServer, handleExecUpgrade } from './exec-route.js';
import { sendJson, sendStatus } from './http-util.js';
import { handlePodSubresource } from './pod-routes.js';
import { handleResource, openWatches } from './resource-routes.js';
import { ApiError, forbidden, internalError, pathNotFound } from './status.js';

export interface ApiServerOptions {
  host?: string;
  port?: number;
  /** Bearer token clients must send; undefined accepts any. The lab leaves it unset: kubectl (client-go) does not send a token over plain http. */
  token?: string;
}

export interface RunningApiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const verbOf = (method: string, hasName: boolean, watch: boolean): string =>
  method === 'GET' ? (hasName ? 'get' : watch ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? (hasName ? 'delete' : 'deletecollection') : method.toLowerCase();

export async function startApiServer(backend: ApiBackend, opts: ApiServerOptions = {}): Promise<RunningApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const exec = createExecServer();
  let address = '';

  const unauthorized = (req: IncomingMessage) => opts.token !== undefined && req.headers.authorization !== `Bearer ${opts.token}`;

  const server = createServer((req, res) => {
    void route(req, res).catch((e) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendStatus(res, e instanceof ApiError ? e.status : internalError((e as Error).message).status);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lab');
    if (unauthorized(req)) {
      return sendJson(res, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/version') return sendJson(res, 200, versionInfo());
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    if (path === '/api') return sendJson(res, 200, apiVersions(address));
    if (path === '/apis') return sendJson(res, 200, apiGroupList());
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 2) {
      if (segs.length === 2) {
        const g = apiGroup(segs[1]!);
        if (!g) throw pathNotFound();
        return sendJson(res, 200, g);
      }
      group = segs[1]!;
      version = segs[2]!;
      rest = segs.slice(3);
    } else throw pathNotFound();
    if (rest.length === 0) {
      const list = apiResourceList(group, version);
      if (!list) throw pathNotFound();
      return sendJson(res, 200, list);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const t = findResource(group, version, rest[0]!);
    if (!t) throw pathNotFound();
    if (!t.namespaced && namespace !== undefined) throw pathNotFound();
    const name = rest[1];
    const sub = rest[2];
    const method = req.method ?? 'GET';
    const watching = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const verb = verbOf(method, name !== undefined, watching);
    const resourceName = sub ? `${t.plural}/${sub}` : t.plural;
    if (backend.isDenied(verb, resourceName, t.group, namespace)) {
      throw forbidden(backend.user, verb, { plural: t.plural, group: t.group, ...(sub ? { subresource: sub } : {}) }, namespace, name?.split(':')[0]);
    }
    if (sub !== undefined) {
      if (t.plural === 'pods' && namespace) return handlePodSubresource(req, res, url, t, namespace, name!, sub, rest.slice(3), backend);
      if (sub === 'status' && method === 'GET') return handleResource(req, res, url, { t, ...(namespace ? { namespace } : {}), name: name! }, backend);
      throw pathNotFound();
    }
    return handleResource(req, res, url, { t, ...(namespace ? { namespace } : {}), ...(name !== undefined ? { name } : {}) }, backend);
  }

  server.on('upgrade', (req, socket, head) => {
    if (unauthorized(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!handleExecUpgrade(req, socket, head, backend, exec)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `${host}:${port}`;
  return {
    url: `http://${address}`,
    server,
    async close() {
      for (const w of openWatches(backend)) w.end();
      for (const ws of exec.sockets) ws.terminate();
      if (exec.wss) (await exec.wss).close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
