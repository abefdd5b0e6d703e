import type { Response } from 'express';

/** Renders a view to a string, to send or keep. */
export function renderToString(res: Response, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, locals, (error: Error | null, html?: string) => (error ? reject(error) : resolve(html ?? '')));
  });
}

/*
 * Pages that carry a voter's answers (quiz, results, comparison, card): never
 * kept by a cache, never sent on as a referrer, and sent without an entity
 * tag. Express would hash every body for a tag that `no-store` makes useless:
 * a tenth of a millisecond for a results page of a large race.
 */

export function privatePage(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
}

/**
 * Renders `view` and sends it as it is, without the entity tag `res.render`
 * would add. `splice` puts encoded parts in place of the first `at`, all
 * joined in one copy.
 */
export async function renderPrivate(res: Response, view: string, locals: object, splice?: { at: string; parts: Buffer[] }): Promise<void> {
  const html = await renderToString(res, view, locals);
  const at = splice ? html.indexOf(splice.at) : -1;
  // A page may leave out an empty slot (no rows: an empty state instead).
  if (splice && at < 0 && splice.parts.length > 0) throw new Error(`${view} printed no ${splice.at}`);
  const body =
    splice && at >= 0
      ? Buffer.concat([Buffer.from(html.slice(0, at)), ...splice.parts, Buffer.from(html.slice(at + splice.at.length))])
      : Buffer.from(html);
  sendWithoutTag(res, 'html', body);
}

/** Sends `body` as it is, with its type and length and without an entity tag (for answers no one may keep). */
export function sendWithoutTag(res: Response, type: string, body: Buffer): void {
  res.type(type);
  res.setHeader('Content-Length', body.length);
  // Node leaves the body out of an answer to HEAD.
  res.end(body);
}
