import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** A rendered page (a widget) made ready to keep and send as it is: encoded, gzipped once, tagged as Express would tag it. */
export class KeptResponse {
  readonly body: Buffer;
  /** The body gzipped once, for every reader whose browser accepts it. */
  readonly gzip: Buffer;
  readonly etag: string;
  /** Bytes held. */
  readonly size: number;

  constructor(html: string) {
    this.body = Buffer.from(html);
    this.gzip = gzipSync(this.body);
    this.etag = `W/"${this.body.length.toString(16)}-${createHash('sha1').update(this.body).digest('base64').slice(0, 27)}"`;
    this.size = this.body.length + this.gzip.length;
  }
}
