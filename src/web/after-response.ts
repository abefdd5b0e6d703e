import type { Response } from 'express';

/**
 * Settles once the answer has gone out (or the client has gone): for work
 * that must not delay the answer, nor show in how long it takes, such as
 * looking up whether an e-mail address has an account.
 */
export function responseDone(res: Response): Promise<void> {
  return new Promise((resolve) => {
    if (res.closed) resolve();
    else res.once('close', () => resolve());
  });
}
