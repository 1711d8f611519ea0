/** Types of Corefile edits: every edit comes back printed, re-parsed, validated and re-evaluated. */
import type { Diagnostic, CorefileModel, ParseOptions } from '../model.js';
import type { EvalQuery, EvalWorld } from '../evaluate/index.js';

/** How one query's answer moved. `before`/`after` are answer signatures (rcode, records, forward targets). */
export interface EditEffect {
  query: EvalQuery;
  before: string;
  after: string;
  changed: boolean;
}

/** Result of an edit. `ok` is false when the edit could not be made or it introduced errors. */
export interface EditResult {
  ok: boolean;
  /** The edited Corefile text (the original text when the edit could not be made). */
  text: string;
  /** Unified diff from the original text. */
  diff: string;
  model: CorefileModel | null;
  diagnostics: Diagnostic[];
  effects: EditEffect[];
  /** One line saying what the edit does. */
  description: string;
}

/** A server block: its model index (as in Explanation.serverBlock.index; imported blocks count), or its keys as written ('.:53'). */
export type BlockRef = number | string;

/** Shared inputs of every edit. */
export interface EditContext {
  /** Queries whose answers are compared before and after. */
  controls?: EvalQuery[];
  world?: EvalWorld;
  parseOptions?: ParseOptions;
  corednsVersion?: string;
}

/** A hosts entry: one IP and its names (the hosts plugin reads the /etc/hosts format). */
export type { HostsEntry } from '../../resolver/hosts-file.js';
