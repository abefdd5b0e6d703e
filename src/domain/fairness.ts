/**
 * Neutral ordering (SPEC §2): lists that are not ranked by a score, and the
 * order inside a tie, come from a seeded random shuffle — never by id, party
 * size or ballot number. The same seed gives the same order, so a shared link
 * or a test can reproduce it.
 */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** A small, fast, well-distributed generator (mulberry32) over a 32-bit seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a text (FNV-1a), so seeds can travel in URLs as words. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A new array with the items in random order (Fisher–Yates); the input is left as it was. */
export function shuffle<T>(items: readonly T[], random: RandomSource): T[] {
  return shuffleInPlace(items.slice(), random);
}

/** `shuffle`, in place: the same order for the same source. */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(items: T, random: RandomSource): T {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const item = items[i];
    items[i] = items[j];
    items[j] = item;
  }
  return items;
}

/** A new 32-bit seed, for a fresh random order when the link fixes none. */
export function newSeed(random: RandomSource): number {
  return Math.floor(random() * 0x100000000);
}

/**
 * The seed of the current minute: everyone who asks within one minute gets the
 * same order, and the order changes every minute. For widgets, whose one
 * address is loaded by every reader of a page: their responses can then be
 * cached (here and by any cache in front) for up to a minute.
 */
export function minuteSeed(now: Date): number {
  return Math.imul(Math.floor(now.getTime() / 60_000), 0x9e3779b1) >>> 0;
}
