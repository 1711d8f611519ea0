/** Corefile edits as text splices on the lossless tree, each re-parsed, validated and re-evaluated. */
export { addHostsEntries, type AddHostsOptions } from './add-hosts.js';
export { addViewBlock, viewExpr, type AddViewOptions } from './add-view.js';
export { addForwardZoneBlock, type AddForwardZoneOptions } from './add-forward-zone.js';
export { replaceForwardUpstreams, type ReplaceForwardOptions } from './replace-forward.js';
export { addFallthrough, type AddFallthroughOptions } from './add-fallthrough.js';
export { simulateEdit, type SimulationResult } from './simulate.js';
export { answerSignature } from './signature.js';
export type { EditResult, EditEffect, EditContext, BlockRef, HostsEntry } from './types.js';
