/**
 * How CoreDNS says it will not run, in the words it writes to its log before it exits: a Corefile it
 * refuses at start-up, and a forwarding loop the loop plugin detected. The lab writes these lines; the
 * checks read them back out of `kubectl logs`. Pure.
 */
import type { Diagnostic } from './model.js';

/**
 * CoreDNS's start-up error for a Corefile diagnostic (caddy's "FILE:LINE - Error during parsing:
 * MESSAGE", prefixed with the plugin when a plugin's setup refused it).
 */
export function startupErrorLine(d: Diagnostic, fallbackFile = '/etc/coredns/Corefile'): string {
  const file = d.pos?.file ?? fallbackFile;
  const line = d.pos?.line ?? 1;
  return `${d.plugin ? `plugin/${d.plugin}: ` : ''}${file}:${line} - Error during parsing: ${d.message}`;
}

/** A start-up error read back from a log line. */
export interface StartupError {
  plugin?: string;
  file: string;
  line: number;
  message: string;
  /** The log line it was read from. */
  text: string;
}

const startupPattern = /(?:plugin\/([\w-]+): )?(\S+):(\d+) - Error during parsing: (.+)$/;

/** The first start-up error in a log text, if there is one. */
export function findStartupError(log: string): StartupError | undefined {
  for (const text of log.split('\n')) {
    const m = startupPattern.exec(text);
    if (m) return { ...(m[1] ? { plugin: m[1] } : {}), file: m[2]!, line: Number(m[3]), message: m[4]!.trim(), text: text.trim() };
  }
  return undefined;
}

/** The loop plugin's fatal line (plugin/loop/loop.go): CoreDNS exits right after it. */
export function loopDetectedLine(from: string, zone: string, probe: string): string {
  return `[FATAL] plugin/loop: Loop (${from} -> :53) detected for zone "${zone}", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${probe}"`;
}

/** A detected forwarding loop read back from a log line. */
export interface LoopDetected {
  /** "127.0.0.1:48105" */
  from: string;
  zone: string;
  text: string;
}

const loopPattern = /plugin\/loop: Loop \((\S+) -> [^)]*\) detected for zone "([^"]*)"/;

/** The first loop detection in a log text, if there is one. */
export function findLoopDetected(log: string): LoopDetected | undefined {
  for (const text of log.split('\n')) {
    const m = loopPattern.exec(text);
    if (m) return { from: m[1]!, zone: m[2]!, text: text.trim() };
  }
  return undefined;
}
