import { describe, expect, it } from 'vitest';
import { Recent } from '../../src/web/recent.js';

describe('Recent', () => {
  it('makes a value once, keeps the most recently used and drops the least recently used first', () => {
    const made: string[] = [];
    const recent = new Recent<string>(2);
    const get = (key: string) => recent.get(key, () => (made.push(key), `value of ${key}`));
    expect(get('a')).toBe('value of a');
    expect(get('b')).toBe('value of b');
    expect(get('a')).toBe('value of a');
    // 'b' is now the least recently used: a third key drops it, not 'a'.
    get('c');
    get('a');
    get('b');
    expect(made).toEqual(['a', 'b', 'c', 'b']);
  });
});
