/**
 * Parses the NAME[:PORT] argument of `why` (CLI and Slack) into a DNS name and an optional TCP port,
 * with messages that say exactly what is wrong. Pure.
 */
import { controlCharacterIn } from './text-problems.js';
import { DnswhyError } from '../errors.js';

export interface TargetName {
  /** The name as the application would look it up (a trailing dot kept: it changes the search-list behaviour). */
  name: string;
  port?: number;
}

/** Input a person typed that cannot be used; `subject` says which part was wrong. */
export class InputError extends DnswhyError {
  override readonly code = 'input-invalid';
  override readonly permanent = true;
  constructor(message: string, readonly subject: 'name' | 'port' | 'pod' = 'name') {
    super(message);
  }
}

const labelPattern = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Validates a DNS name (RFC 1035 lengths; letters, digits, hyphen and underscore in labels). */
export function validateDnsName(name: string): string {
  if (name.length === 0) throw new InputError('the DNS name is empty');
  const control = controlCharacterIn(name);
  if (control) throw new InputError(`the DNS name contains a ${control}; a name holds letters, digits, "-", "_" and dots`);
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0) throw new InputError('the DNS name "." (the root) cannot be diagnosed; give a host name such as api.example.org');
  if (bare.length > 253) throw new InputError(`the DNS name is ${bare.length} characters long; the limit is 253`);
  for (const label of bare.split('.')) {
    if (label.length === 0) throw new InputError(`the DNS name "${name}" has an empty label (two dots in a row, or a leading dot)`);
    if (label.length > 63) throw new InputError(`the label "${label.slice(0, 20)}…" is ${label.length} characters long; the limit is 63`);
    if (!labelPattern.test(label)) {
      throw new InputError(`the label "${label}" in "${name}" may only contain letters, digits, "-" and "_", and may not start or end with "-"`);
    }
  }
  return name;
}

/** Parses `name` or `name:port`. */
export function parseTargetName(arg: string): TargetName {
  // Control characters are named before trim() could silently drop a trailing one.
  const control = controlCharacterIn(arg);
  if (control) throw new InputError(`the DNS name contains a ${control}; a name holds letters, digits, "-", "_" and dots`);
  const trimmed = arg.trim();
  const colon = trimmed.lastIndexOf(':');
  if (colon === -1) return { name: validateDnsName(trimmed) };
  const portText = trimmed.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) throw new InputError(`the port in "${arg}" must be a number from 1 to 65535 (NAME:PORT)`, 'port');
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new InputError(`the port ${port} is out of range (1 to 65535)`, 'port');
  return { name: validateDnsName(trimmed.slice(0, colon)), port };
}
