/**
 * parseCorefile: lex → parse (imports, snippets, env) → keys → model, plus the lossless syntax tree
 * of the main file. Diagnostics use CoreDNS's wording and carry file:line:col.
 */
import { buildDirectiveNode } from './directive-node.js';
import { duplicateAddressErrors } from './duplicates.js';
import { absoluteFile } from './imports.js';
import { normalizeKey } from './keys.js';
import type { CorefileModel, Diagnostic, ParseOptions, ServerBlockNode, ZoneAddress } from './model.js';
import { lexTokens, parseTokens, type RawBlock } from './parser.js';
import { buildSyntaxTree, type SyntaxTree } from './syntax.js';

export type { ParseOptions } from './model.js';

/** What parseCorefile returns: `ok` is false when any diagnostic is an error. */
export interface ParseResult {
  ok: boolean;
  model: CorefileModel;
  syntax: SyntaxTree;
  diagnostics: Diagnostic[];
}

/** The Corefile CoreDNS uses when the file has no server block (caddy DefaultInput). */
export function defaultCorefileText(port = 53): string {
  return `.:${port} {\n    whoami\n    log\n}\n`;
}

/** Parses a Corefile. Never throws on bad input: problems come back as diagnostics. */
export function parseCorefile(text: string, opts: ParseOptions = {}): ParseResult {
  const file = opts.file ?? 'Corefile';
  const env = opts.env ?? {};
  const raw = parseTokens(lexTokens(text, file), {
    file,
    env,
    files: opts.files,
    corednsVersion: opts.corednsVersion,
  });
  const diagnostics: Diagnostic[] = [...raw.warnings];
  let rawBlocks = raw.blocks;
  let usedDefault = false;
  if (raw.error) {
    diagnostics.push(raw.error.toDiagnostic());
  } else if (rawBlocks.length === 0) {
    // No server block at all: CoreDNS silently serves its default Corefile (whoami + log).
    usedDefault = true;
    rawBlocks = parseTokens(lexTokens(defaultCorefileText(opts.dnsPort), '<default>'), { file: '<default>', env }).blocks;
    diagnostics.push({
      severity: 'info',
      message: `no server block found: CoreDNS uses its default Corefile ".:${opts.dnsPort ?? 53} { whoami log }"`,
      pos: { file, line: 1, col: 1 },
    });
  }
  const blocks = rawBlocks.map((b, index) => toBlock(b, index, opts, raw.error ? undefined : diagnostics));
  if (!raw.error && !diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...duplicateAddressErrors(blocks));
  const model: CorefileModel = { blocks, usedDefault, importedFiles: raw.importedFiles.map((f) => absoluteFile(f)) };
  const syntax = buildSyntaxTree(text, file, { env, corednsVersion: opts.corednsVersion });
  return { ok: !diagnostics.some((d) => d.severity === 'error'), model, syntax, diagnostics };
}

function toBlock(b: RawBlock, index: number, opts: ParseOptions, diagnostics: Diagnostic[] | undefined): ServerBlockNode {
  const addresses: ZoneAddress[] = [];
  let keyError = false;
  for (const k of b.keys) {
    if (!k.quoted && k.text.startsWith('}')) {
      // CoreDNS's parser reads addresses up to a `{` or the end of the line and treats `}` there as
      // an address like any other: a stray `}` after a block is a new server block, not an error.
      diagnostics?.push({
        severity: 'warning',
        message: `"${k.text}" is read as the address of a server block (zone "${k.text.split(':')[0]}."), not as a closing brace: ${index === 0 ? 'there is no block before it to close' : 'the block above was already closed'}; remove it${b.directives.length === 0 ? ' (this block has no plugins, so CoreDNS answers REFUSED for that zone)' : ''}`,
        pos: k.pos,
      });
    }
    const r = normalizeKey(k.text, { dnsPort: opts.dnsPort });
    if ('error' in r) {
      keyError = true;
      diagnostics?.push({ severity: 'error', message: r.error, pos: k.pos });
    } else {
      addresses.push(...r.addresses);
    }
  }
  return {
    keys: b.keys,
    addresses: keyError ? [] : addresses,
    directives: b.directives.map((d) => buildDirectiveNode(d.tokens, d.name)),
    pos: b.pos,
    index,
  };
}
