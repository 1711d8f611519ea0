/**
 * The error convention. Every error dnswhy throws on purpose carries two facts as data:
 *
 * - `code`: a stable kebab-case string (`cluster-forbidden`, `pod-not-found`, `scenario-invalid`).
 *   It is part of the contract: renaming a class or rewording a message never changes it.
 * - `permanent`: true when retrying the same request cannot succeed (the pod does not exist, the
 *   API forbids it, the input is wrong); false when a later attempt may (timeouts, 5xx, conflicts).
 *
 * Policy (job retries, what the thread is told) reads these two fields and nothing else: never a
 * class name, never a message. Errors from code we do not own (client libraries, Node) have
 * neither field and count as transient. docs/architecture.md lists the codes.
 */

/** The two fields policy reads. A plain object with them (e.g. an error revived from JSON) qualifies. */
export interface CodedError {
  readonly code: string;
  readonly permanent: boolean;
  readonly message: string;
}

/** Base class for dnswhy's own errors: subclasses declare `code` and `permanent` as fields. */
export abstract class DnswhyError extends Error implements CodedError {
  abstract readonly code: string;
  abstract readonly permanent: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The code and permanence of anything thrown, when it follows the convention. */
export function codedError(err: unknown): CodedError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; permanent?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || typeof e.permanent !== 'boolean') return undefined;
  return { code: e.code, permanent: e.permanent, message: typeof e.message === 'string' ? e.message : e.code };
}
