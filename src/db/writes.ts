/**
 * Writes this process has committed: every committed transaction and every
 * version bump adds one. A cache that remembers a version it read from the
 * database may trust it while this count has not moved (and for a short while,
 * since other processes write too); see ElectionCache.
 */
let committed = 0;

export function committedWrites(): number {
  return committed;
}

export function countWrite(): void {
  committed += 1;
}
