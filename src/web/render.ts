import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { Recent } from './recent.js';

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

/** Renders `view` and sends it as it is, without the entity tag `res.render` would add. */
export async function renderPrivate(res: Response, view: string, locals: object): Promise<void> {
  sendWithoutTag(res, 'html', Buffer.from(await renderToString(res, view, locals)));
}

/*
 * A results page is the same for every voter of a race who sees it in the
 * same language, place and settings, with the same count of answers, but for
 * a few strings: the voter's answers and the links and fields that carry them
 * (`VoterStrings`), and the ranking's rows (joined in at their slot). Such a
 * page is rendered once with markers where those strings go; the rendering,
 * cut at the markers and encoded, is kept under everything else the template
 * reads (its locals as JSON, the language and `?lang=`), and each voter's
 * page joins its strings, escaped as `{{…}}` escapes them, into it.
 * Handlebars took an eighth of a results page's time.
 *
 * A kept page holds none of a voter's answers: it shows how many counted,
 * the settings and the filters. A page whose unranked list depends on which
 * statements its voter skipped is not kept (the route says, `keep`).
 */

/** This process's marker text: no data can hold it by chance. */
const MARKER = `\uE000${randomBytes(8).toString('hex')}:`;
const MARKERS = new RegExp(`${MARKER}(\\d+)\uE001`);

/** The strings of one voter's page, each replaced in the page's locals by a marker. */
export class VoterStrings {
  readonly values: string[] = [];

  /** A marker standing for `value`; '' stays '', so `{{#if}}` reads the marker as it reads the value. */
  mark(value: string): string {
    if (value === '') return value;
    this.values.push(value);
    return `${MARKER}${this.values.length - 1}\uE001`;
  }
}

/** A kept rendering: encoded text, the index of a voter string, or SPLICE where the rows go. */
type ShellPart = Buffer | number;
const SPLICE = -1;
const shells = new Recent<ShellPart[]>(256);

/**
 * `renderPrivate` for a page whose voter-dependent texts are `strings`
 * (marked in `locals`) and the splice: the rendering is kept and reused (see
 * above) when `keep` says that nothing else in it depends on the voter and
 * templates are cached.
 */
export async function renderKept(
  res: Response,
  view: string,
  locals: object,
  strings: VoterStrings,
  { splice, keep }: { splice: { at: string; parts: Buffer[] }; keep: boolean },
): Promise<void> {
  // Without Express's view cache (development), templates are read again on each render: keep nothing either.
  const key = keep && res.app.enabled('view cache') ? `${view}\n${String(res.locals.locale)}\n${String(res.locals.langParam)}\n${JSON.stringify(locals)}` : null;
  let shell = key === null ? undefined : shells.find(key);
  if (!shell) {
    shell = shellOf(await renderToString(res, view, locals), splice.at);
    if (key !== null) shells.keep(key, shell);
  }
  // A page may leave out an empty slot (no rows: an empty state instead).
  if (splice.parts.length > 0 && !shell.includes(SPLICE)) throw new Error(`${view} printed no ${splice.at}`);
  const chunks: Buffer[] = [];
  for (const part of shell) {
    if (typeof part !== 'number') chunks.push(part);
    else if (part === SPLICE) for (const row of splice.parts) chunks.push(row);
    else chunks.push(Buffer.from(Handlebars.escapeExpression(strings.values[part]!)));
  }
  sendWithoutTag(res, 'html', Buffer.concat(chunks));
}

function shellOf(html: string, at: string): ShellPart[] {
  const shell: ShellPart[] = [];
  html.split(at).forEach((piece, i) => {
    if (i > 0) shell.push(SPLICE);
    // split with a group alternates text and the group: the marker's index.
    piece.split(MARKERS).forEach((text, j) => shell.push(j % 2 === 0 ? Buffer.from(text) : Number(text)));
  });
  return shell;
}

/** Sends `body` as it is, with its type and length and without an entity tag (for answers no one may keep). */
export function sendWithoutTag(res: Response, type: string, body: Buffer): void {
  res.type(type);
  res.setHeader('Content-Length', body.length);
  // Node leaves the body out of an answer to HEAD.
  res.end(body);
}
