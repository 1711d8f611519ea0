/**
 * The lab's Kubernetes API server over HTTPS on loopback: authenticates the bearer token (kubectl
 * and client-go send tokens only over TLS), authorises every resource request with RBAC as the
 * real authorizer does (discovery and /version are open to every authenticated user), routes it to
 * the resource routes or the pod subresources, and turns errors into Status responses. Exec
 * upgrades go to exec-route.ts.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { findResource } from '../state/resources.js';
import type { ApiBackend } from './backend.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, openApiV3Doc, openApiV3Root, versionInfo } from './discovery.js';
import { createExecServer, handleExecUpgrade } from './exec-route.js';
import { readJson, sendJson, sendStatus } from './http-util.js';
import { handlePodSubresource } from './pod-routes.js';
import { handleResource, openWatches } from './resource-routes.js';
import { ApiError, forbidden, internalError, notFound, pathNotFound } from './status.js';

export interface ApiServerOptions {
  host?: string;
  port?: number;
  /** The serving certificate and key (PEM). */
  tls: { cert: string; key: string };
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

export const unauthorizedStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 } as const;

export interface RunningApiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const verbOf = (method: string, hasName: boolean, watch: boolean): string =>
  method === 'GET' ? (hasName ? 'get' : watch ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? (hasName ? 'delete' : 'deletecollection') : method.toLowerCase();

export async function startApiServer(backend: ApiBackend, opts: ApiServerOptions): Promise<RunningApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const exec = createExecServer();
  let address = '';

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => {
    void route(req, res).catch((e) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendStatus(res, e instanceof ApiError ? e.status : internalError((e as Error).message).status);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://lab');
    const user = backend.authenticate(bearerToken(req));
    if (!user) return sendJson(res, 401, unauthorizedStatus);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/version') return sendJson(res, 200, versionInfo());
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    if (path === '/openapi/v3') return sendJson(res, 200, openApiV3Root());
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiV3Doc(path.slice('/openapi/v3/'.length));
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
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
    const objectName = name?.split(':')[0];
    const request = { verb, group: t.group, resource: t.plural, ...(sub ? { subresource: sub } : {}), ...(namespace ? { namespace } : {}), ...(objectName !== undefined ? { name: objectName } : {}) };
    if (!backend.authorize(user, request)) {
      throw forbidden(user.name, verb, { plural: t.plural, group: t.group, ...(sub ? { subresource: sub } : {}) }, namespace, objectName);
    }
    if (sub !== undefined) {
      if (t.plural === 'serviceaccounts' && sub === 'token' && namespace && method === 'POST') return issueToken(req, res, backend, namespace, name!);
      if (t.plural === 'pods' && namespace) return handlePodSubresource(req, res, url, t, namespace, name!, sub, rest.slice(3), backend);
      if (sub === 'status' && method === 'GET') return handleResource(req, res, url, { t, ...(namespace ? { namespace } : {}), name: name! }, backend);
      throw pathNotFound();
    }
    return handleResource(req, res, url, { t, ...(namespace ? { namespace } : {}), ...(name !== undefined ? { name } : {}) }, backend);
  }

  server.on('upgrade', (req, socket, head) => {
    const user = backend.authenticate(bearerToken(req));
    if (!user) {
      const body = JSON.stringify(unauthorizedStatus);
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    if (!handleExecUpgrade(req, socket, head, backend, exec, user)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    }
  });
  server.on('connection', (s: Socket) => {
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
    url: `https://${address}`,
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

/** POST serviceaccounts/NAME/token (kubectl create token): a TokenRequest with a new token. */
async function issueToken(req: IncomingMessage, res: ServerResponse, backend: ApiBackend, namespace: string, name: string): Promise<void> {
  if (!backend.store.get('serviceaccounts', namespace, name)) throw notFound({ plural: 'serviceaccounts', group: '' }, name);
  const body = (await readJson(req).catch(() => ({}))) as { spec?: { expirationSeconds?: number; audiences?: string[] } };
  const seconds = body?.spec?.expirationSeconds ?? 3600;
  const t = backend.issueToken(namespace, name, seconds);
  sendJson(res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences: body?.spec?.audiences ?? ['https://kubernetes.default.svc'], expirationSeconds: seconds, boundObjectRef: null },
    status: t,
  });
}
