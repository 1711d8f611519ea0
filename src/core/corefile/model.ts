/**
 * The Corefile semantic model: what the parser produces after env substitution, import and snippet
 * expansion, and what the validator and evaluator consume. The lossless syntax tree (for printing
 * and edits) lives beside it in syntax.ts; every item here points back to source positions.
 */

/** A place in a Corefile or an imported file. Lines and columns are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One token after unquoting and env substitution. */
export interface Tok {
  text: string;
  pos: SourcePos;
  /** True when the token was written in double quotes. */
  quoted: boolean;
}

/** A directive line inside a server block, or a line inside a directive's nested block. */
export interface DirectiveNode {
  /** The directive (or sub-option) name: first token of the line. */
  name: string;
  /** Remaining tokens of the line, before any nested `{`. */
  args: Tok[];
  /** Lines of the nested `{ … }` block, or null when there is none. */
  block: DirectiveNode[] | null;
  pos: SourcePos;
  /**
   * For a directive line of a server block: every token CoreDNS hands to the plugin's setup() for
   * this occurrence (the name, arguments, braces and nested lines, env-substituted), in order.
   */
  tokens?: Tok[];
}

export type ServerTransport = 'dns' | 'tls' | 'quic' | 'grpc' | 'https' | 'https3' | 'unix';

/** One normalised server block address (a key; reverse CIDRs expand into several). */
export interface ZoneAddress {
  /** The key as written (after env substitution). */
  raw: string;
  transport: ServerTransport;
  /** Lower-case FQDN ("example.org.", "."). */
  zone: string;
  /** Effective port: explicit, or the transport's default (dns 53, tls/quic 853, grpc/https/https3 443). */
  port: number;
  /** True when this zone came from expanding a reverse CIDR key. */
  fromCidr?: string;
}

export interface ServerBlockNode {
  /** Keys as written, in order. */
  keys: Tok[];
  /** Normalised addresses (CIDR keys expanded). Empty when a key is invalid; see diagnostics. */
  addresses: ZoneAddress[];
  /** Directives in Corefile order, imports spliced in. */
  directives: DirectiveNode[];
  pos: SourcePos;
  /** Index of this block among all server blocks (after file imports), in Corefile order. */
  index: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  pos?: SourcePos;
  /** The plugin the message is about, when it is about one. */
  plugin?: string;
}

/** A parsed, expanded Corefile. */
export interface CorefileModel {
  blocks: ServerBlockNode[];
  /** True when no server block was found and CoreDNS's default `.:53 { whoami; log }` applies. */
  usedDefault: boolean;
  /** Imported files actually read, in order (for reload's checksum). */
  importedFiles: string[];
}

/**
 * Where `import` reads files from. The engine is pure: callers inject the file system view
 * (the CoreDNS pod's /etc/coredns as mounted from ConfigMaps, or a directory in tests).
 */
export interface FileSource {
  /** Text of an absolute path, or undefined when it does not exist. Throws (or returns null) for a directory. */
  read(path: string): string | undefined | null;
  /** Absolute paths matching a glob pattern, in lexical order. */
  glob(pattern: string): string[];
}

/** Parse options. */
export interface ParseOptions {
  /** File name used in positions and as the base for relative imports. Default "Corefile" (relative to "/etc/coredns"). */
  file?: string;
  env?: Record<string, string | undefined>;
  files?: FileSource;
  /** CoreDNS version whose directive list applies (default: the newest modelled, see version.ts). */
  corednsVersion?: string;
  /** The `-dns.port` flag: default port of dns:// keys (53). */
  dnsPort?: number;
}
