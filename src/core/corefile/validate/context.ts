/**
 * What a plugin validator gets: a caddy-style Dispenser over every token of the plugin's occurrences
 * in one server block (exactly what CoreDNS hands to setup()), the block's normalised keys, and the
 * CoreDNS version. A validator throws CorefileError (or GoError) for the first error, as setup() does.
 */
import { Dispenser } from '../dispenser.js';
import { CorefileError } from '../errors.js';
import { addressString } from '../keys.js';
import type { Diagnostic, ServerBlockNode, SourcePos, Tok } from '../model.js';
import { atLeast, newestCorednsVersion } from '../version.js';

/** The context of one plugin's setup() in one server block. */
export class PluginContext {
  readonly c: Dispenser;
  /** `c.ServerBlockKeys`: `transport://zone:port` strings, CIDR keys expanded. */
  readonly serverBlockKeys: string[];
  readonly notes: Diagnostic[] = [];

  constructor(
    readonly plugin: string,
    tokens: Tok[],
    readonly block: ServerBlockNode,
    readonly version: string = newestCorednsVersion,
  ) {
    this.c = new Dispenser(tokens, tokens[0]?.pos.file ?? 'Corefile', plugin);
    this.serverBlockKeys = block.addresses.map((a) => addressString(a));
  }

  /** True when the CoreDNS version is at least `since`. */
  atLeast(since: string): boolean {
    return atLeast(this.version, since);
  }

  /** plugin.ErrOnce. */
  errOnce(): CorefileError {
    return this.c.err('this plugin can only be used once per Server Block');
  }

  /** An error at the current token. */
  err(message: string): CorefileError {
    return this.c.err(message);
  }

  /** A warning (something CoreDNS would log, or that needs the pod's files to decide). */
  warn(message: string, pos: SourcePos = this.c.pos()): void {
    this.notes.push({ severity: 'warning', message, pos, plugin: this.plugin });
  }

  /** An informational note. */
  info(message: string, pos: SourcePos = this.c.pos()): void {
    this.notes.push({ severity: 'info', message, pos, plugin: this.plugin });
  }

  /** True when another directive is present in the same block. */
  hasDirective(name: string): boolean {
    return this.block.directives.some((d) => d.name === name);
  }
}

/** A plugin's setup() check. */
export type PluginValidator = (ctx: PluginContext) => void;
