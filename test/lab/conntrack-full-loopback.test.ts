/** The loopback lab has no kernel conntrack table: a scenario whose node has conntrackFull is refused, naming the field and the backend that can run it. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../src/lab/lab.js';
import { ScenarioError } from '../../src/lab/scenario/scenario-error.js';

describe('conntrackFull on the loopback lab', () => {
  it('is refused with the field and the backend that can run it, before anything starts', async () => {
    const file = join(import.meta.dirname, 'netns/fixtures/conntrack-table-full.yaml');
    const started = startLab(file, { backend: 'loopback' });
    await expect(started).rejects.toBeInstanceOf(ScenarioError);
    await expect(started).rejects.toThrow(/nodes\[1\]\.conntrackFull: a full conntrack table needs the kernel: run this scenario with --backend netns/);
  });
});
