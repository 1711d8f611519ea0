/**
 * Parsing the output of the pod image's DNS tools into ToolOutputEvidence['parsed'], with
 * the parsers of src/probes/tools/, which follow the real tools' output formats.
 */
import type { ToolOutputEvidence } from '../../core/model/index.js';
import { parseDig, parseGetent, parseNslookup } from '../tools/index.js';

/** What a tool's output says: addresses, rcode, server, timeout. */
export function parseToolOutput(tool: ToolOutputEvidence['tool'], stdout: string, exitCode: number): ToolOutputEvidence['parsed'] {
  if (tool === 'getent') return parseGetent(stdout, exitCode);
  if (tool === 'dig') return parseDig(stdout);
  return parseNslookup(stdout);
}
