/** The checks: the registry, the runner, and the types a check is declared with. */
export { checks, checkById, checkIds } from './registry.js';
export { runChecks, runChecksDetailed, type CheckNote, type CheckRun } from './run-checks.js';
export { LacksEvidenceError } from './lacks-evidence.js';
export { defineCheck, docsUrlFor, type Check, type CheckInput, type CheckMeta } from './define-check.js';
export { fingerprint } from './fingerprint.js';
