/** simulateEdit: does a proposed Corefile change the failing answer, and nothing else? */
import { parseCorefile } from '../parse.js';
import { explain, type EvalQuery, type EvalWorld } from '../evaluate/index.js';
import type { Diagnostic, ParseOptions } from '../model.js';
import { answerSignature } from './signature.js';
import type { EditEffect } from './types.js';

/** How the failing query and the control queries are answered before and after. */
export interface SimulationResult {
  failing: EditEffect;
  controls: EditEffect[];
  /** The failing query's answer changed. */
  fixesFailing: boolean;
  /** No control query's answer changed. */
  onlyFailingChanged: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Explains every query against both texts and compares the answers. `afterSide` gives the after text
 * other files (an edit that adds an imported file, e.g. a coredns-custom key, and leaves the Corefile as it is).
 */
export function simulateEdit(
  beforeText: string,
  afterText: string,
  failingQuery: EvalQuery,
  controlQueries: EvalQuery[],
  world: EvalWorld,
  parseOptions: ParseOptions = {},
  afterSide: { world?: EvalWorld; parseOptions?: ParseOptions } = {},
): SimulationResult {
  const popts = { file: 'Corefile', ...parseOptions };
  const before = parseCorefile(beforeText, popts);
  const after = parseCorefile(afterText, { ...popts, ...afterSide.parseOptions });
  const afterWorld = afterSide.world ?? world;
  const effect = (q: EvalQuery): EditEffect => {
    const b = answerSignature(explain(before.model, q, world));
    const a = answerSignature(explain(after.model, q, afterWorld));
    return { query: q, before: b, after: a, changed: a !== b };
  };
  const failing = effect(failingQuery);
  const controls = controlQueries.map(effect);
  return { failing, controls, fixesFailing: failing.changed, onlyFailingChanged: controls.every((c) => !c.changed), diagnostics: after.diagnostics };
}
