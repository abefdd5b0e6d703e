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
    const value = this.values.get(key);
    if (value !== undefined) {
      // Most recently used last.
      this.values.delete(key);
      this.values.set(key, value);
    }
    return value;
  }

  /** Keeps `value` for `key` (made by the caller, perhaps asynchronously), dropping the least recently used past `size`. */
  keep(key: string, value: V): void {
    this.values.delete(key);
    if (this.values.size >= this.size) this.values.delete(this.values.keys().next().value!);
    this.values.set(key, value);
  }
}
