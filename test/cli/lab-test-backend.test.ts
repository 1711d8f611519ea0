/**
 * `dnswhy lab test --backend netns` reaches the netns backend: commander gives an option that `lab`
 * and `lab test` both know to `lab`, so the sub-command once ran every "netns" test on loopback.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { backendOf } from '../../src/cli/lab-backend-option.js';
import { buildProgram } from '../../src/cli/main.js';

async function backendSeenByLabTest(argv: string[]): Promise<string | undefined> {
  const program = await buildProgram(argv);
  const test = program.commands.find((c) => c.name() === 'lab')!.commands.find((c) => c.name() === 'test')!;
  let seen: string | undefined;
  test.action((_files: string[], _opts: unknown, self: Command) => {
    seen = backendOf(self);
  });
  await program.parseAsync(argv, { from: 'user' });
  return seen;
}

describe('lab test --backend', () => {
  it('after the sub-command, before it, and left out', async () => {
    expect(await backendSeenByLabTest(['lab', 'test', '--backend', 'netns', 'a.yaml'])).toBe('netns');
    expect(await backendSeenByLabTest(['lab', '--backend', 'netns', 'test', 'a.yaml'])).toBe('netns');
    expect(await backendSeenByLabTest(['lab', 'test', 'a.yaml'])).toBe('loopback');
  });
});
