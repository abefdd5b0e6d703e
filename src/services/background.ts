import type { Logger } from 'pino';

/**
 * Work no request waits for: e-mails delivered after the answer that wrote
 * them, account look-ups done after an answer that must not depend on them.
 * Every task is tracked, so that shutting down waits for them before the
 * database closes, and a task's failure is logged, never thrown at anyone.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  /** Starts `work` once `after` has settled (at once by default). */
  run(name: string, work: () => Promise<void>, after: Promise<unknown> = Promise.resolve()): void {
    const task = after
      .then(work, work)
      .catch((error: unknown) => this.logger.error({ err: error }, `${name} failed`))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once no task is running, tasks started by other tasks included. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
