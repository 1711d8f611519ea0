/**
 * fake-apiserver (mocked cluster): a small Kubernetes API server over real HTTP and WebSocket on
 * loopback, for the Kubernetes adapter's tests of what the lab does not model (RBAC denials, hung probe pods,
 * transient failures). It stores objects as JSON, serves get/list (label selectors), create,
 * delete, merge patches with the resourceVersion precondition and dryRun, pod logs, pods/proxy,
 * ephemeral containers, and exec over the v5/v4 channel protocol. Strategic merge patches are
 * applied as JSON merge patches (lists replaced), which is what the tests' patches need.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type Obj = Record<string, any>;

export interface ExecCall {
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
}

export interface FakeOptions {
  /** Exec handler; default: 127 (command not found). */
  exec?: (c: ExecCall) => { stdout?: string; stderr?: string; exitCode: number } | 'close-without-status';
  /** Probe pods: what the pod prints, or 'hang' (never completes) / 'fail'. */
  probe?: (spec: Obj, pod: Obj) => string | 'hang' | { fail: string };
  /** Metrics text per pod name (pods/proxy :9153/metrics). */
  metrics?: (pod: string) => string | undefined;
  /** Permissions refused, as "verb resource[/subresource] namespace" ("*" namespace = any). */
  deny?: string[];
  /** Called after every write (the cluster reacting, e.g. CoreDNS reloading a ConfigMap). */
  onWrite?: (resource: string, obj: Obj, fake: FakeApiServer) => void;
  /** Make /apis/discovery.k8s.io 404 (clusters without EndpointSlices). */
  noEndpointSlices?: boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: unknown;
}

const coreResources = new Set(['pods', 'services', 'endpoints', 'configmaps', 'namespaces', 'nodes']);

function mergePatch(doc: any, patch: any): any {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function matchesSelector(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=') as [string, string | undefined];
    return v === undefined ? labels?.[k] !== undefined : labels?.[k] === v;
  });
}

export class FakeApiServer {
  readonly requests: RequestRecord[] = [];
  readonly execCalls: ExecCall[] = [];
  private store = new Map<string, Obj>();
  private rv = 100;
  private server!: Server;
  url = '';

  constructor(readonly opts: FakeOptions = {}) {}

  private key(resource: string, ns: string | undefined, name: string): string {
    return `${resource}/${ns ?? ''}/${name}`;
  }

  /** Put an object (resource plural, e.g. 'pods'); resourceVersion is assigned. */
  put(resource: string, obj: Obj): Obj {
    obj.metadata ??= {};
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.store.set(this.key(resource, obj.metadata.namespace, obj.metadata.name), obj);
    return obj;
  }

  get(resource: string, ns: string | undefined, name: string): Obj | undefined {
    return this.store.get(this.key(resource, ns, name));
  }

  list(resource: string, ns?: string): Obj[] {
    return [...this.store.entries()].filter(([k]) => k.startsWith(`${resource}/`) && (ns === undefined || k.split('/')[1] === ns)).map(([, v]) => v);
  }

  remove(resource: string, ns: string | undefined, name: string): boolean {
    return this.store.delete(this.key(resource, ns, name));
  }

  /** A kubeconfig for this server (http with insecure-skip-tls-verify, as client-node requires). */
  kubeconfig(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: fake, cluster: { server: "${this.url}", insecure-skip-tls-verify: true } }]`,
      'users: [{ name: fake, user: { token: fake-token } }]',
      'contexts: [{ name: fake, context: { cluster: fake, user: fake, namespace: default } }]',
      'current-context: fake',
    ].join('\n');
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => this.status(res, 500, 'InternalError', String(err)));
    });
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (p) => ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((x) => p.has(x)) ?? false,
    });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url!, 'http://x');
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
      this.requests.push({ method: 'GET', path: url.pathname, query: url.searchParams });
      const deny = m ? this.denied('create', 'pods', 'exec', m[1]!) : undefined;
      if (!m || deny || !this.get('pods', m[1], m[2]!)) {
        const code = deny ? 403 : 404;
        socket.end(`HTTP/1.1 ${code} ${deny ? 'Forbidden' : 'Not Found'}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ kind: 'Status', message: deny ?? 'not found' })}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const call: ExecCall = { namespace: m[1]!, pod: m[2]!, container: url.searchParams.get('container') ?? '', argv: url.searchParams.getAll('command') };
        this.execCalls.push(call);
        ws.on('message', () => {});
        const r = this.opts.exec?.(call) ?? { stderr: `exec: "${call.argv[0]}": executable file not found in $PATH`, exitCode: 127 };
        if (r === 'close-without-status') {
          ws.close(1000);
          return;
        }
        const frame = (ch: number, d: string) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(d)]));
        if (r.stdout) frame(1, r.stdout);
        if (r.stderr) frame(2, r.stderr);
        frame(
          3,
          JSON.stringify(
            r.exitCode === 0
              ? { metadata: {}, status: 'Success' }
              : { metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: `command terminated with non-zero exit code: exit code ${r.exitCode}`, details: { causes: [{ reason: 'ExitCode', message: String(r.exitCode) }] } },
          ),
        );
        ws.close(1000);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private denied(verb: string, resource: string, sub: string | undefined, ns: string | undefined): string | undefined {
    const res = sub ? `${resource}/${sub}` : resource;
    const hit = (this.opts.deny ?? []).some((d) => {
      const [v, r, n] = d.split(' ');
      return v === verb && r === res && (n === undefined || n === '*' || n === ns);
    });
    if (!hit) return undefined;
    return `${res} is forbidden: User "system:serviceaccount:dnswhy:dnswhy" cannot ${verb} resource "${res}" in API group ""${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`;
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code }));
  }

  private json(res: ServerResponse, code: number, obj: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  }

  private async body(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const t = Buffer.concat(chunks).toString('utf8');
    return t ? JSON.parse(t) : undefined;
  }

  /** Simulate the kubelet running a probe pod. */
  private runPod(pod: Obj): void {
    const c = pod.spec?.containers?.[0];
    const cmd: string[] = c?.command ?? [];
    if (cmd[0] !== 'dnswhy' || cmd[1] !== 'probe') return;
    const spec = JSON.parse(cmd[3] ?? '{}');
    const out = this.opts.probe?.(spec, pod) ?? JSON.stringify({ evidence: [] });
    if (out === 'hang') {
      pod.status = { phase: 'Pending', containerStatuses: [{ name: c.name, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
      return;
    }
    setTimeout(() => {
      const failed = typeof out === 'object';
      pod.status = {
        phase: failed ? 'Failed' : 'Succeeded',
        podIP: '10.244.9.9',
        containerStatuses: [{ name: c.name, restartCount: 0, state: { terminated: { exitCode: failed ? 1 : 0, reason: failed ? 'Error' : 'Completed' } } }],
      };
      pod.__log = failed ? out.fail : out;
    }, 30);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://x');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await this.body(req) : undefined;
    this.requests.push({ method, path, query: url.searchParams, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), ...(body !== undefined ? { body } : {}) });

    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?(?:\/(.*))?$/.exec(path);
    if (!m) return this.status(res, 404, 'NotFound', `no route ${path}`);
    let [, group, ns, resource, name, sub, rest] = m as unknown as (string | undefined)[];
    // /api/v1/namespaces/x (the namespace object itself)
    if (resource === undefined) return this.status(res, 404, 'NotFound', path);
    if (!group && path.match(/^\/api\/v1\/namespaces\/[^/]+$/)) {
      name = ns;
      ns = undefined;
      resource = 'namespaces';
    }
    if (group === 'discovery.k8s.io' && this.opts.noEndpointSlices) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (!group && !coreResources.has(resource!)) return this.status(res, 404, 'NotFound', path);
    const verb = method === 'GET' ? (name ? 'get' : 'list') : method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : 'patch';
    // pods/NAME:PORT/proxy/PATH
    let proxyPort: string | undefined;
    if (name && name.includes(':')) [name, proxyPort] = name.split(':') as [string, string];
    const deny = this.denied(verb === 'get' && sub === 'proxy' ? 'get' : verb, resource!, sub, ns);
    if (deny) return this.status(res, 403, 'Forbidden', deny);
    const dryRun = url.searchParams.get('dryRun') === 'All';

    if (method === 'GET' && !name) {
      const items = this.list(resource!, ns).filter(
        (o) => matchesSelector(o.metadata?.labels, url.searchParams.get('labelSelector')),
      );
      return this.json(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items });
    }
    if (method === 'POST' && !name) {
      const obj = body as Obj;
      obj.metadata.namespace ??= ns;
      if (this.get(resource!, ns, obj.metadata.name)) return this.status(res, 409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
      obj.status ??= { phase: 'Pending' };
      this.put(resource!, obj);
      if (resource === 'pods') this.runPod(obj);
      this.opts.onWrite?.(resource!, obj, this);
      return this.json(res, 201, obj);
    }
    const obj = this.get(resource!, ns, name!);
    if (!obj) return this.status(res, 404, 'NotFound', `${resource} "${name}" not found`);
    if (method === 'GET' && sub === 'log') {
      const container = url.searchParams.get('container');
      const log = container ? (obj.__ephemeralLogs?.[container] ?? '') : (obj.__log ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(log);
    }
    if (method === 'GET' && sub === 'proxy') {
      const text = proxyPort === '9153' && rest === 'metrics' ? this.opts.metrics?.(name!) : undefined;
      if (text === undefined) return this.status(res, 503, 'ServiceUnavailable', 'error trying to reach service: dial tcp: connection refused');
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(text);
    }
    if (method === 'GET') {
      const { __log, __ephemeralLogs, ...clean } = obj;
      return this.json(res, 200, clean);
    }
    if (method === 'DELETE') {
      this.remove(resource!, ns, name!);
      return this.json(res, 200, { kind: 'Status', status: 'Success' });
    }
    if (method === 'PATCH') {
      const ct = String(req.headers['content-type'] ?? '');
      if (!/merge-patch\+json|strategic-merge-patch\+json/.test(ct)) return this.status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, got ${ct}`);
      const patch = body as Obj;
      const want = patch?.metadata?.resourceVersion;
      if (want !== undefined && want !== obj.metadata.resourceVersion) {
        return this.status(res, 409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      if (sub === 'ephemeralcontainers') {
        const added: Obj[] = patch.spec?.ephemeralContainers ?? [];
        obj.spec.ephemeralContainers = [...(obj.spec.ephemeralContainers ?? []), ...added];
        for (const c of added) this.runEphemeral(obj, c);
        return this.json(res, 200, obj);
      }
      const { metadata: pm, ...restPatch } = patch;
      const { resourceVersion: _drop, ...metaPatch } = pm ?? {};
      const next = mergePatch(obj, { ...restPatch, ...(Object.keys(metaPatch).length ? { metadata: metaPatch } : {}) });
      if (dryRun) return this.json(res, 200, next);
      this.put(resource!, next);
      this.opts.onWrite?.(resource!, next, this);
      return this.json(res, 200, next);
    }
    return this.status(res, 405, 'MethodNotAllowed', method);
  }

  private runEphemeral(pod: Obj, c: Obj): void {
    const spec = JSON.parse(c.command?.[3] ?? '{}');
    const out = this.opts.probe?.(spec, pod) ?? JSON.stringify({ evidence: [] });
    if (out === 'hang') return;
    setTimeout(() => {
      pod.status.ephemeralContainerStatuses = [
        ...(pod.status.ephemeralContainerStatuses ?? []),
        { name: c.name, restartCount: 0, state: { terminated: { exitCode: typeof out === 'object' ? 1 : 0 } } },
      ];
      pod.__ephemeralLogs = { ...(pod.__ephemeralLogs ?? {}), [c.name]: typeof out === 'object' ? out.fail : out };
    }, 30);
  }
}
