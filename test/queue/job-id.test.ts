import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidJobId, jobId, newJobId } from '../../src/queue/job-id.js';
import { clusterQueueName } from '../../src/queue/names.js';

describe('job ids', () => {
  it('are never integer-like and never contain ":" whatever the parts (fast-check)', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 100 }), { maxLength: 4 }), (parts) => {
      const id = jobId('diag', ...parts);
      expect(isValidJobId(id)).toBe(true);
      expect(id).not.toContain(':');
      expect(id.startsWith('diag')).toBe(true);
    }));
    expect(isValidJobId(newJobId('apply'))).toBe(true);
  });

  it('are stable for the same parts (idempotent enqueue)', () => {
    expect(jobId('report', 'diag-1')).toBe(jobId('report', 'diag-1'));
    expect(jobId('x', 'a:b')).toBe('x-a_b');
  });

  it('refuses a bad prefix and recognises what BullMQ rejects', () => {
    expect(() => jobId('123')).toThrow(/lowercase word/);
    expect(isValidJobId('123')).toBe(false);
    expect(isValidJobId('a:b')).toBe(false);
  });

  it('names cluster queues and refuses bad cluster names', () => {
    expect(clusterQueueName('prod-eu')).toBe('dnswhy-cluster-prod-eu');
    expect(() => clusterQueueName('Prod:EU')).toThrow(/invalid cluster name/);
  });
});
