import { open, type FileHandle } from 'node:fs/promises';

/**
 * Group commit for SQLite. The connection runs with `synchronous=NORMAL`: a
 * commit writes its pages to the write-ahead log and returns without waiting
 * for the disk. A write is acknowledged only once an fsync of the log that
 * started after it has finished, so what the service acknowledges survives
 * power loss, as with `synchronous=FULL`.
 *
 * With FULL, SQLite synced inside each commit, on the event loop: about
 * 0.3 ms of every save during which no other request ran. Here the fsync
 * runs on libuv's thread pool while the event loop serves other requests,
 * and every write committed while one runs shares the next: under load one
 * sync covers many saves.
 */
export class GroupSync {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  /** `syncOnce` makes durable everything written before it was called. */
  constructor(private readonly syncOnce: () => Promise<void>) {}

  /** Resolves once everything written before this call is on disk; rejects if the sync failed. */
  sync(): Promise<void> {
    // The running sync may have started before the write: wait for the next one, shared by all who ask meanwhile.
    if (this.#next) return this.#next;
    if (!this.#running) return this.#start();
    this.#next = this.#running.then(settled, settled).then(() => {
      this.#next = undefined;
      return this.#start();
    });
    return this.#next;
  }

  #start(): Promise<void> {
    const running: Promise<void> = this.syncOnce().finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }
}

function settled(): void {}

/**
 * fsync of a SQLite database's write-ahead log (`<file>-wal`), opened at the
 * first sync, when a committed write has made sure the log exists. SQLite
 * keeps that file while the database is open in this process, so the handle
 * stays valid; `close` lets it go with the database.
 */
export function walSync(file: string): { sync: () => Promise<void>; close: () => Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  return {
    sync: async () => {
      // Read and write: Windows syncs only a file opened for writing (nothing is written here).
      handle ??= open(`${file}-wal`, 'r+').catch((error: unknown) => {
        handle = undefined;
        throw error;
      });
      await (await handle).sync();
    },
    close: async () => {
      const opened = handle;
      handle = undefined;
      if (opened) await (await opened).close();
    },
  };
}
