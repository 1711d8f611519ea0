/** Pod subresources: log, status, ephemeralcontainers (GET/PATCH/PUT) and proxy. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from '../state/resources.js';
import type { ApiBackend } from './backend.js';
import { readJson, sendJson, sendText } from './http-util.js';
import { commitUpdate, getOr404, patchedObject, withType } from './resource-routes.js';
import { badRequest, methodNotAllowed, pathNotFound } from './status.js';
import { validateEphemeralUpdate } from './validation.js';

export async function handlePodSubresource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  t: ResourceType,
  namespace: string,
  rawName: string,
  sub: string,
  rest: string[],
  backend: ApiBackend,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (sub === 'proxy') {
    const [name, portText] = rawName.split(':');
    getOr404(backend, t, namespace, name!);
    const port = portText ? Number(portText) : undefined;
    if (portText && !Number.isInteger(port)) throw badRequest(`invalid port "${portText}"`);
    const r = await backend.proxyPod(namespace, name!, port, rest.join('/'));
    if (r.contentType === 'application/json' && r.code >= 400) return sendText(res, r.code, r.body, r.contentType);
    return sendText(res, r.code, r.body, r.contentType);
  }
  const pod = getOr404(backend, t, namespace, rawName) as any;
  switch (sub) {
    case 'log': {
      if (method !== 'GET') throw methodNotAllowed();
      const containers: string[] = (pod.spec.containers ?? []).map((c: any) => c.name);
      const ephemeral: string[] = (pod.spec.ephemeralContainers ?? []).map((c: any) => c.name);
      let container = url.searchParams.get('container');
      if (!container) {
        if (containers.length !== 1) {
          throw badRequest(`a container name must be specified for pod ${rawName}, choose one of: [${containers.join(' ')}]${ephemeral.length ? ` or one of the ephemeral containers: [${ephemeral.join(' ')}]` : ''}`);
        }
        container = containers[0]!;
      }
      if (!containers.includes(container) && !ephemeral.includes(container)) {
        throw badRequest(`container ${container} is not valid for pod ${rawName}`);
      }
      const previous = url.searchParams.get('previous') === 'true';
      const log = backend.podLog(namespace, rawName, container, previous);
      if ('error' in log) throw badRequest(log.error);
      let text = log.text;
      const tail = url.searchParams.get('tailLines');
      if (tail !== null) {
        const lines = text.split('\n');
        const hasEnd = text.endsWith('\n');
        const body = hasEnd ? lines.slice(0, -1) : lines;
        text = body.slice(Math.max(0, body.length - Number(tail))).join('\n') + (hasEnd && Number(tail) > 0 ? '\n' : '');
      }
      const limit = url.searchParams.get('limitBytes');
      // limitBytes: the API server stops after that many bytes of the log.
      if (limit !== null && Number(limit) > 0) text = Buffer.from(text).subarray(0, Number(limit)).toString();
      return sendText(res, 200, text);
    }
    case 'status':
      if (method !== 'GET') throw methodNotAllowed();
      return sendJson(res, 200, withType(t, pod));
    case 'ephemeralcontainers': {
      if (method === 'GET') return sendJson(res, 200, withType(t, pod));
      let next: any;
      if (method === 'PATCH') next = await patchedObject(req, t, pod);
      else if (method === 'PUT') next = await readJson(req);
      else throw methodNotAllowed();
      // Only spec.ephemeralContainers changes through this subresource; the rest is kept as stored.
      const merged = { ...withType(t, pod), metadata: { ...pod.metadata, resourceVersion: next?.metadata?.resourceVersion ?? pod.metadata.resourceVersion }, spec: { ...pod.spec, ephemeralContainers: next?.spec?.ephemeralContainers ?? [] } };
      if (!next?.metadata?.resourceVersion) merged.metadata.resourceVersion = pod.metadata.resourceVersion;
      return commitUpdate(res, url, t, pod, merged, backend, validateEphemeralUpdate);
    }
    default:
      throw pathNotFound();
  }
}
