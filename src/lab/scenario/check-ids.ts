/**
 * The check ids a scenario's `expect` entries may name. They come from the check registry (the only
 * list of checks), so a new check needs no change here; this file is the scenario folder's one link
 * to src/checks. A misspelt id is reported with the registered id nearest to it, as a misspelt
 * field is.
 */
import { z } from 'zod';
import { checkIds } from '../../checks/registry.js';
import { closestName } from './closest-name.js';

/** A registered check id. */
export const checkIdSchema = z.string().refine((id) => checkIds.includes(id), {
  error: (issue) => unknownCheckIdMessage(String(issue.input)),
});

function unknownCheckIdMessage(id: string): string {
  return `check "${id}" is not registered; did you mean "${closestName(id, checkIds)}"? expected one of: ${checkIds.join(', ')}`;
}
