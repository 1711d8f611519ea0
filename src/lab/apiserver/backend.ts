/** What the HTTP layer asks of the lab (lab-backend.ts implements it): admission, controllers, pod runtime. */
import type { ChangeType, KubeObject, ObjectStore } from '../state/object-store.js';
import type { ResourceType } from '../state/resources.js';
import type { ExecResult } from '../../core/cluster-access.js';

export interface ProxyResponse {
  code: number;
  contentType: string;
  body: string;
}

export interface ApiBackend {
  store: ObjectStore;
  /** The authenticated user messages name (the lab's token maps to it). */
  user: string;
  /** RBAC emulation: true when `verb` on `resource` (plural or plural/subresource) is denied. */
  isDenied(verb: string, resource: string, group: string, namespace: string | undefined): boolean;
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
