/** Binary searches over sorted string keys (the lab store's namespace/name keys, in byte order). */

/** Index of the first key not less than `k` in sorted `keys`. */
export function lowerBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key greater than `k` in sorted `keys`. */
export function upperBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes a sorted list takes in place between two reads. An in-place write is a binary search and
 * a splice (up to n moves), so past this many with no reader the list is dropped and sorted again
 * at the next read: a bulk load with no reader (the lab's 30,000 start-up pods) costs no splices,
 * and a reader between writes (an API list page, a DNS query) never waits for a full sort.
 */
export const inPlaceWritesPerRead = 64;

/** Items sorted by a string key, built from `source` on first read and kept in step with writes. */
export class SortedByKey<T> {
  private keys: string[] = [];
  private items: T[] = [];
  private built = false;
  private writes = 0;

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly source: () => Iterable<T>,
  ) {}

  /** The keys and items in key order (the arrays change in place with later writes). */
  read(): { keys: readonly string[]; items: readonly T[] } {
    if (!this.built) this.build();
    this.writes = 0;
    return { keys: this.keys, items: this.items };
  }

  /** Adds the item, or replaces the one with its key. */
  put(item: T): void {
    if (!this.inPlace()) return;
    const k = this.keyOf(item);
    const i = lowerBound(this.keys, k);
    if (this.keys[i] === k) this.items[i] = item;
    else {
      this.keys.splice(i, 0, k);
      this.items.splice(i, 0, item);
    }
  }

  remove(k: string): void {
    if (!this.inPlace()) return;
    const i = lowerBound(this.keys, k);
    if (this.keys[i] !== k) return;
    this.keys.splice(i, 1);
    this.items.splice(i, 1);
  }

  /** False when the list is not built or was just dropped (the next read builds it from the source). */
  private inPlace(): boolean {
    if (!this.built) return false;
    if (++this.writes <= inPlaceWritesPerRead) return true;
    this.built = false;
    this.keys = [];
    this.items = [];
    return false;
  }

  private build(): void {
    const pairs = [...this.source()].map((item) => [this.keyOf(item), item] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.keys = pairs.map((p) => p[0]);
    this.items = pairs.map((p) => p[1]);
    this.built = true;
  }
}
