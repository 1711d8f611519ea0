/**
 * Parsers for option values, shared by every sub-command so a bad value is refused the same way
 * everywhere (commander turns the InvalidArgumentError into a usage error, exit 2).
 */
import { InvalidArgumentError } from 'commander';
import { parseVersion } from '../core/corefile/version.js';

/** A whole number from `min` to `max`; the message names the flag and the value given. */
export function intOption(flag: string, min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a whole number ${range}, got "${value}"`);
    return n;
  };
}

/** A CoreDNS version such as 1.11.3 (a leading v is dropped). */
export function corednsVersionOption(value: string): string {
  if (!parseVersion(value)) throw new InvalidArgumentError('expected a CoreDNS version like 1.11.3');
  return value.replace(/^v/, '');
}
