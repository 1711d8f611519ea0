/**
 * Kubernetes `Status` failures shaped like the real API server's (message wording, reason,
 * details.kind as the resource plural, details.group for non-core groups).
 */
import type { ResourceType } from '../state/resources.js';
import { DnswhyError } from '../../core/errors.js';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
  code: number;
}

/**
 * Thrown by route handlers; the server turns it into the response. Permanent exactly when a real
 * API server's answer would be (the client's mapping in src/probes/kube/map-error.ts agrees).
 */
export class ApiError extends DnswhyError {
  override readonly code = 'lab-api-status';
  override readonly permanent: boolean;
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.permanent = status.code < 500 && status.code !== 409 && status.code !== 429;
  }
}

function failure(code: number, reason: string, message: string, details?: KubeStatus['details']): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

/** `pods` or `deployments.apps`, as messages name resources. */
export function qualified(t: Pick<ResourceType, 'plural' | 'group'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

function details(t: Pick<ResourceType, 'plural' | 'group'>, name?: string): KubeStatus['details'] {
  return { ...(name !== undefined ? { name } : {}), ...(t.group ? { group: t.group } : {}), kind: t.plural };
}

export function notFound(t: Pick<ResourceType, 'plural' | 'group'>, name: string): ApiError {
  return failure(404, 'NotFound', `${qualified(t)} "${name}" not found`, details(t, name));
}

export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(t: ResourceType, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, details(t, name));
}

export function conflict(t: ResourceType, name: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(t, name),
  );
}

/** RBAC denial, word for word as the authorizer phrases it. */
export function forbidden(
  user: string,
  verb: string,
  resource: { plural: string; group: string; subresource?: string },
  namespace: string | undefined,
  name: string | undefined,
): ApiError {
  const res = resource.subresource ? `${resource.plural}/${resource.subresource}` : resource.plural;
  const subject = name !== undefined ? `${qualified(resource)} "${name}"` : qualified(resource);
  const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  return failure(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${res}" in API group "${resource.group}"${scope}`,
    details(resource, name),
  );
}

export function unsupportedMediaType(contentType: string | undefined, accepted: string[]): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format${contentType ? '' : ''} - accepted media types include: ${accepted.join(', ')}`,
    {},
  );
}

/** 422 with one cause per field, message "Kind "name" is invalid: field: Invalid value: ...". */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const message = `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
  return failure(422, 'Invalid', message, { name, ...(group ? { group } : {}), kind, causes });
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message }] } as KubeStatus['details']);
}

/** The Success status a DELETE of a pod-less object or an exec returns. */
export function success(details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: '', reason: '', ...(details ? { details } : {}), code: 200 };
}
