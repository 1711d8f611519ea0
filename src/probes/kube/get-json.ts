/**
 * A GET of an API path read as plain JSON, with the kubeconfig's credentials and TLS settings,
 * for list pages read only to count or pick a few fields: client-node's ObjectSerializer turns
 * every item into typed objects (for a 500-pod page, tens of milliseconds and as much garbage
 * again), which the caller would then only copy from. Failures are client-node's ApiException
 * (status code and the Status body), so map-error.ts maps them as it maps any other call.
 */
import http from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';

/** Deadline of one request: a page of a list, answered by a live API server in well under a second. */
const requestTimeoutMs = 30_000;

/**
 * One keep-alive agent per kubeconfig: client-node's applyToHTTPSOptions makes a new agent per call,
 * so every page paid a TLS handshake on both sides (a fifth of a 60-page scan's CPU). Only a plain
 * HTTPS agent is replaced; a proxy agent is used as client-node made it.
 */
const keepAliveAgents = new WeakMap<KubeConfig, https.Agent>();

function reuseAgent(kc: KubeConfig, opts: https.RequestOptions): void {
  const made = opts.agent;
  if (!(made instanceof https.Agent) || made.constructor !== https.Agent) return;
  let agent = keepAliveAgents.get(kc);
  if (!agent) keepAliveAgents.set(kc, (agent = new https.Agent({ ...made.options, keepAlive: true })));
  opts.agent = agent;
}

/** The Accept header of a pod Table (server-side printing, as kubectl asks for it), with plain JSON as the fallback. */
export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export async function getJson<T>(kc: KubeConfig, path: string, query: Record<string, string | number | undefined>, accept = 'application/json'): Promise<T> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no current cluster');
  // The server URL may carry a path prefix (a proxy in front of the API server): keep it.
  const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const opts: https.RequestOptions = { method: 'GET', headers: { Accept: accept } };
  await kc.applyToHTTPSOptions(opts);
  reuseAgent(kc, opts);
  return new Promise<T>((resolve, reject) => {
    const req = (url.protocol === 'http:' ? http : https).request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) return reject(new ApiException(code, `HTTP ${code}`, body, res.headers as Record<string, string>));
        try {
          resolve(JSON.parse(body) as T);
        } catch (err) {
          reject(new Error(`${url.pathname}: the API server's answer is not JSON (${(err as Error).message})`));
        }
      });
    });
    req.setTimeout(requestTimeoutMs, () => req.destroy(new Error(`${url.pathname}: no answer within ${requestTimeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
