/**
 * The few most recently used values, each made on first use; past `size`,
 * the least recently used is dropped. For parts kept per race (and language),
 * which a busy race reuses and a quiet one must not hold in memory.
 */
export class Recent<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly size: number) {}

  get(key: string, make: () => V): V {
    let value = this.find(key);
    if (value === undefined) {
      value = make();
      this.keep(key, value);
    }
    return value;
  }

  /** The value kept for `key`, now the most recently used; undefined when there is none. */
  find(key: string): V | undefined {
    return findRecent(this.values, key);
  }

  /** Keeps `value` for `key` (made by the caller, perhaps asynchronously), dropping the least recently used past `size`. */
  keep(key: string, value: V): void {
    this.values.delete(key);
    if (this.values.size >= this.size) this.values.delete(this.values.keys().next().value!);
    this.values.set(key, value);
  }
}

/** The value of `key` in a map kept in order of use, moved to the end (most recently used); undefined when absent. */
export function findRecent<K, V>(map: Map<K, V>, key: K): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}
