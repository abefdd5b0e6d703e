import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { findRecent } from './recent.js';

/** A rendered response, ready to send as it is, with its entity tag. */
export interface CachedBody {
  body: Buffer;
  /** The body gzipped once, for every reader whose browser accepts it. */
  gzip: Buffer;
  etag: string;
}

/**
 * Rendered responses kept in memory, least recently used out first, up to a
 * total size. Keys must name everything the body depends on; callers build
 * them from a snapshot's identity (`snapshotId`), so a reload after a change
 * starts new keys and the old ones age out.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): CachedBody | undefined {
    return findRecent(this.entries, key);
  }

  /** Keeps `html` under `key` (unless it is larger than the whole cache) and returns it ready to send. */
  set(key: string, html: string): CachedBody {
    const body = Buffer.from(html);
    // The same weak tag Express would compute for the body, once.
    const entry = { body, gzip: gzipSync(body), etag: `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"` };
    if (bytesOf(key, entry) > this.maxBytes) return entry;
    this.delete(key);
    this.entries.set(key, entry);
    this.size += bytesOf(key, entry);
    for (const [oldest, old] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= bytesOf(oldest, old);
    }
    return entry;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.size -= bytesOf(key, entry);
  }
}

function bytesOf(key: string, entry: CachedBody): number {
  return entry.body.length + entry.gzip.length + key.length * 2;
}

const ids = new WeakMap<object, number>();
let nextId = 1;

/** A number that names one loaded snapshot for as long as it lives. */
export function snapshotId(snapshot: object): number {
  let id = ids.get(snapshot);
  if (id === undefined) {
    id = nextId;
    nextId += 1;
    ids.set(snapshot, id);
  }
  return id;
}
