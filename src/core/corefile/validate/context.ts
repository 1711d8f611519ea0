/**
 * What a plugin validator gets: a caddy-style Dispenser over every token of the plugin's occurrences
 * in one server block (exactly what CoreDNS hands to setup()), the block's normalised keys, and the
 * CoreDNS version. A validator throws CorefileError (or GoError) for the first error, as setup() does.
 */
import { Dispenser } from '../dispenser.js';
import { CorefileError } from '../errors.js';
import { addressString } from '../keys.js';
import { posix } from 'node:path';
import type { Diagnostic, FileSource, ServerBlockNode, SourcePos, Tok } from '../model.js';
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
    readonly files?: FileSource,
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

  /**
   * Notes a file the plugin reads on the CoreDNS pod. With a FileSource (the pod's view of its
   * files) a missing file is a warning, as CoreDNS logs it; without one, an info that it was not checked.
   */
  podFile(path: string, what: string, pos: SourcePos = this.c.pos()): void {
    // Every CoreDNS pod has these (in Kubernetes, resolv.conf is the node's: dnsPolicy Default).
    if (path === '/etc/hosts' || path === '/etc/resolv.conf') return;
    if (!this.files || !posix.isAbsolute(path)) {
      this.info(`${what} ${path} is read on the CoreDNS pod (not checked here)`, pos);
      return;
    }
    let text: string | undefined | null;
    try {
      text = this.files.read(path);
    } catch {
      text = null;
    }
    if (text === undefined) this.warn(`${what} ${path} does not exist on the CoreDNS pod`, pos);
    else if (text === null) this.warn(`${what} ${path} is a directory`, pos);
  }

  /** The file's text when a FileSource is given and the file exists. */
  readPodFile(path: string): string | undefined {
    try {
      return this.files?.read(path) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** True when another directive is present in the same block. */
  hasDirective(name: string): boolean {
    return this.block.directives.some((d) => d.name === name);
  }
}

/** A plugin's setup() check. */
export type PluginValidator = (ctx: PluginContext) => void;
