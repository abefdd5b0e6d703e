import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ResponseCache, snapshotId } from '../../src/web/response-cache.js';

describe('ResponseCache', () => {
  const text = (cache: ResponseCache, key: string) => cache.get(key)?.body.toString();

  // Sizes: the body's bytes, its gzipped bytes, and two per character of the key.
  const sizeOf = (key: string, text: string) => Buffer.byteLength(text) + gzipSync(text).length + 2 * key.length;

  it('keeps what fits and lets the least recently used go first', () => {
    const cache = new ResponseCache(3 * sizeOf('k1', 'a'.repeat(10)));
    cache.set('k1', 'a'.repeat(10));
    cache.set('k2', 'b'.repeat(10));
    cache.set('k3', 'c'.repeat(10));
    expect(text(cache, 'k1')).toBe('a'.repeat(10));
    // A fourth would not fit: k2, now the least recently used, goes.
    cache.set('k4', 'd'.repeat(10));
    expect(cache.get('k2')).toBeUndefined();
    expect([text(cache, 'k1'), text(cache, 'k3'), text(cache, 'k4')]).toEqual(['a'.repeat(10), 'c'.repeat(10), 'd'.repeat(10)]);
  });

  it('keeps the body gzipped beside it, the same text', () => {
    const cache = new ResponseCache(1024);
    const kept = cache.set('k', '<p>olá</p>');
    expect(gunzipSync(kept.gzip).toString()).toBe('<p>olá</p>');
  });

  it('hands back a body larger than the whole cache without keeping it, and replaces a key in place', () => {
    const cache = new ResponseCache(sizeOf('big', 'x'.repeat(40)) - 1);
    expect(cache.set('big', 'x'.repeat(40)).body.toString()).toBe('x'.repeat(40));
    expect(cache.get('big')).toBeUndefined();
    cache.set('k', 'one');
    cache.set('k', 'two');
    expect(text(cache, 'k')).toBe('two');
  });

  it('names each snapshot with its own number, the same every time', () => {
    const a = {};
    const b = {};
    expect(snapshotId(a)).toBe(snapshotId(a));
    expect(snapshotId(a)).not.toBe(snapshotId(b));
  });
});
