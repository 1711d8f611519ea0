/** What the HTTP layer asks of the lab (lab-backend.ts implements it): admission, controllers, pod runtime. */
import type { ChangeType, KubeObject, ObjectStore } from '../state/object-store.js';
import type { ResourceType } from '../state/resources.js';
import type { ExecResult } from '../../core/cluster-access.js';
import type { ResourceRequest, UserInfo } from '../rbac/authorizer.js';

export interface ProxyResponse {
  code: number;
  contentType: string;
  body: string;
}

export interface ApiBackend {
  store: ObjectStore;
  /** The user a bearer token belongs to, or undefined for an unknown token (401). */
  authenticate(token: string | undefined): UserInfo | undefined;
  /** RBAC: whether the user may make the request (records it in the audit log either way). */
  authorize(user: UserInfo, req: ResourceRequest): boolean;
  /** kubectl create token: a new token for a ServiceAccount. */
  issueToken(namespace: string, name: string, expirationSeconds?: number): { token: string; expirationTimestamp: string };
  /** Minor version of the emulated Kubernetes (exec over WebSocket also needs `create` from 35). */
  readonly minorVersion: number;
  /** Fills defaults and runtime fields of a new object before it is stored (pods: node, IP, status). */
  admitCreate(t: ResourceType, obj: KubeObject): KubeObject;
  /** Runs the controllers after a write (rollouts, endpoints, CoreDNS reloads, probe pods). */
  afterWrite(t: ResourceType, type: ChangeType, obj: KubeObject, previous?: KubeObject): Promise<void>;
  /** Log text of a container, or an error message (400) when it has none yet. */
  /** A container's log; `previous` is the instance before the current one (`kubectl logs --previous`). */
  podLog(ns: string, name: string, container: string, previous?: boolean): { text: string } | { error: string };
  exec(ns: string, name: string, container: string, argv: string[]): Promise<ExecResult>;
  proxyPod(ns: string, name: string, port: number | undefined, path: string): Promise<ProxyResponse>;
}
