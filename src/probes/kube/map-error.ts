/**
 * client-node errors → the typed errors of src/core/cluster-access.ts. ApiException carries the
 * HTTP code and the raw v1.Status body as a string; network failures are plain Errors.
 */
import { ApiException } from '@kubernetes/client-node';
import {
  AdmissionRefusedError,
  ClusterError,
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  TransientError,
  parseForbiddenMessage,
} from '../../core/cluster-access.js';

/** What the call was, so a 403 without a parsable message still names the permission. */
export interface CallContext {
  verb: string;
  resource: string;
  namespace?: string;
  subresource?: string;
  name?: string;
}

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string };
}

function statusOf(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      const v = JSON.parse(body) as unknown;
      return typeof v === 'object' && v !== null ? (v as StatusBody) : { message: body };
    } catch {
      return { message: body };
    }
  }
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  return {};
}

function describe(ctx: CallContext): string {
  const res = ctx.subresource ? `${ctx.resource}/${ctx.subresource}` : ctx.resource;
  return `${ctx.verb} ${res}${ctx.name ? ` ${ctx.name}` : ''}${ctx.namespace ? ` in namespace ${ctx.namespace}` : ''}`;
}

/** Map an HTTP status code and Status body to a typed error. */
export function errorFromStatus(code: number, body: unknown, ctx: CallContext): ClusterError {
  const st = statusOf(body);
  const msg = st.message ? `${describe(ctx)}: ${st.message}` : `${describe(ctx)}: HTTP ${code}`;
  if (code === 404) {
    return new NotFoundError(msg, { kind: ctx.resource, ...(ctx.namespace ? { namespace: ctx.namespace } : {}), name: ctx.name ?? '' });
  }
  if (code === 403 || code === 401) {
    const p = st.message ? parseForbiddenMessage(st.message) : undefined;
    // A 403 whose message is not RBAC's ("User … cannot …") is admission's: Pod Security, a quota, a policy.
    if (code === 403 && st.message && !p && / is forbidden: /.test(st.message)) return new AdmissionRefusedError(msg);
    const verb = p?.verb ?? ctx.verb;
    const resource = p?.resource ?? ctx.resource;
    const namespace = p ? p.namespace : ctx.namespace;
    const sub = p ? p.subresource : ctx.subresource;
    return new ForbiddenError(code === 401 ? `${describe(ctx)}: unauthorized (credentials rejected)` : msg, verb, resource, namespace, sub);
  }
  if (code === 409) return new ConflictError(msg, st.reason === 'AlreadyExists' ? 'exists' : 'changed');
  if (code === 429 || code >= 500) return new TransientError(msg, code);
  if (code === 400 || code === 415 || code === 422) return new InvalidRequestError(msg, code);
  return new ClusterError(msg, code);
}

/** Map anything a client-node call throws. */
export function mapError(err: unknown, ctx: CallContext): ClusterError {
  if (err instanceof ClusterError) return err;
  if (err instanceof ApiException) return errorFromStatus(err.code, err.body, ctx);
  const e = err as { message?: string; cause?: { code?: string; message?: string }; code?: string };
  // A WebSocket upgrade refused by the API server ("Unexpected server response: 403").
  const m = /Unexpected server response: (\d{3})/.exec(e.message ?? '');
  if (m) return errorFromStatus(Number(m[1]), undefined, ctx);
  const detail = e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
  return new TransientError(`${describe(ctx)}: ${detail}`);
}
