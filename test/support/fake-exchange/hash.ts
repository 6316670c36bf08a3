// Deterministic hashing so every candle value is a pure function of (symbol, interval, open time):
// any page can be computed on its own, in any order, with no state.

/** FNV-1a over a string, 32 bits. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3 finaliser: spreads the bits of a 32-bit value. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes a seed with an integer that may exceed 32 bits (epoch ms) and a small salt. */
export function mix(seed: number, value: number, salt = 0): number {
  const lo = value >>> 0;
  const hi = Math.floor(value / 0x1_0000_0000) >>> 0;
  return fmix(fmix(fmix(seed ^ lo) ^ hi) ^ Math.imul(salt + 1, 0x9e3779b9));
}

/** A uniform number in [0, 1) derived from the same inputs as mix(). */
export function unit(seed: number, value: number, salt = 0): number {
  return mix(seed, value, salt) / 0x1_0000_0000;
}
