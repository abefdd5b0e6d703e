import type { Response } from 'express';

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
 * would add. `splice` puts an encoded body in place of the first `at`.
 */
export async function renderPrivate(res: Response, view: string, locals: object, splice?: { at: string; body: Buffer }): Promise<void> {
  const html = await new Promise<string>((resolve, reject) => {
    res.render(view, locals, (error: Error | null, out: string) => (error ? reject(error) : resolve(out)));
  });
  const at = splice ? html.indexOf(splice.at) : -1;
  // A page may leave out an empty slot (no rows: an empty state instead).
  if (splice && at < 0 && splice.body.length > 0) throw new Error(`${view} printed no ${splice.at}`);
  const body =
    splice && at >= 0
      ? Buffer.concat([Buffer.from(html.slice(0, at)), splice.body, Buffer.from(html.slice(at + splice.at.length))])
      : Buffer.from(html);
  res.type('html');
  res.setHeader('Content-Length', body.length);
  // Node leaves the body out of an answer to HEAD.
  res.end(body);
}
