/**
 * Deterministic random numbers for the lab. Every consumer (loss of one rule, the DNS Service's
 * backend choice, forward's random policy in one replica) gets its own stream derived from the
 * scenario seed and a label, so adding a consumer never changes what another one draws.
 */

/** A function returning floats in [0, 1), like Math.random. */
export type Rng = () => number;

/** FNV-1a over the label, mixed with the seed: a 32-bit stream key. */
function streamKey(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for emulating loss and random choices (not for crypto). */
function mulberry32(state: number): Rng {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The RNG stream named `label` for a scenario seed. Same seed and label, same sequence. */
export function rngStream(seed: number, label: string): Rng {
  return mulberry32(streamKey(seed, label));
}
