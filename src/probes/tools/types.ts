/** Shared shapes of the tool parsers and formatters. */
import type { ToolOutputEvidence } from '../../core/model/evidence.js';

/** What a parser extracts from a tool's output. */
export type ParsedToolOutput = ToolOutputEvidence['parsed'];


/** Unique values in first-seen order. */
export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** True for a dotted-quad IPv4 or an IPv6 address. */
export function isIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*$/.test(s);
}
