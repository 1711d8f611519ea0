import { describe, expect, it } from 'vitest';
import { inPlaceWritesPerRead, SortedByKey } from '../../../src/lab/state/sorted-keys.js';

describe('SortedByKey', () => {
  it('stays sorted through writes with and without readers between them, rebuilding from its source after a burst', () => {
    const source = new Map<string, number>();
    let builds = 0;
    const list = new SortedByKey<[string, number]>(
      ([k]) => k,
      () => {
        builds += 1;
        return [...source.entries()];
      },
    );
    const write = (k: string, v: number) => {
      source.set(k, v);
      list.put([k, v]);
    };
    const expected = () => [...source.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const k of ['m', 'c', 'x']) write(k, 0);
    expect(list.read().items).toEqual(expected());
    expect(builds).toBe(1);
    // Readers between writes: kept in place, never built again.
    for (let i = 0; i < 10; i++) {
      write(`k${i}`, i);
      expect(list.read().items).toEqual(expected());
    }
    source.delete('c');
    list.remove('c');
    expect(list.read().keys).toEqual(expected().map(([k]) => k));
    expect(builds).toBe(1);
    // A burst past the bound with no reader: dropped, then built once from the source at the next read.
    for (let i = 0; i <= inPlaceWritesPerRead; i++) write(`b${String(i).padStart(3, '0')}`, i);
    expect(list.read().items).toEqual(expected());
    expect(builds).toBe(2);
  });
});
