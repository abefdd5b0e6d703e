/**
 * The few most recently used values, each made on first use; past `size`,
 * the least recently used is dropped. For parts kept per race (and language),
 * which a busy race reuses and a quiet one must not hold in memory.
 */
export class Recent<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly size: number) {}

  get(key: string, make: () => V): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = make();
      if (this.values.size >= this.size) this.values.delete(this.values.keys().next().value!);
    } else {
      // Most recently used last.
      this.values.delete(key);
    }
    this.values.set(key, value);
    return value;
  }
}
