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
 * tag. Express would hash every body for a tag that `no-store` makes useless.
 */

export function privatePage(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
}

/** Renders `view` and sends it as it is, without the entity tag `res.render` would add. */
export async function renderPrivate(res: Response, view: string, locals: object): Promise<void> {
  sendWithoutTag(res, 'html', Buffer.from(await renderToString(res, view, locals)));
}

/**
 * `renderPrivate` for a page whose template prints a slot (`rows.at`) where
 * rows written outside Handlebars go (a results page's ranking: see
 * web/views/ranking.ts): the rows are joined in after rendering.
 */
export async function renderPrivateWithRows(res: Response, view: string, locals: object, rows: { at: string; parts: Buffer[] }): Promise<void> {
  const html = await renderToString(res, view, locals);
  const at = html.indexOf(rows.at);
  // A page may leave out an empty slot (no rows: an empty state instead).
  if (at < 0) {
    if (rows.parts.length > 0) throw new Error(`${view} printed no ${rows.at}`);
    sendWithoutTag(res, 'html', Buffer.from(html));
    return;
  }
  sendWithoutTag(res, 'html', Buffer.concat([Buffer.from(html.slice(0, at)), ...rows.parts, Buffer.from(html.slice(at + rows.at.length))]));
}

/** Sends `body` as it is, with its type and length and without an entity tag (for answers no one may keep). */
export function sendWithoutTag(res: Response, type: string, body: Buffer): void {
  res.type(type);
  res.setHeader('Content-Length', body.length);
  // Node leaves the body out of an answer to HEAD.
  res.end(body);
}
