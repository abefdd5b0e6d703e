/** The public pages' paths (SPEC §3). */
export const paths = {
  election: (e: string) => `/e/${encodeURIComponent(e)}`,
  race: (e: string, r: string) => `/e/${encodeURIComponent(e)}/races/${encodeURIComponent(r)}`,
  candidate: (e: string, c: string) => `/e/${encodeURIComponent(e)}/candidates/${encodeURIComponent(c)}`,
};

/** A site path with the page's explicit `?lang=` (the i18n middleware's `langParam`), when there is one. */
export function keepingLang(target: string, lang: unknown): string {
  if (typeof lang !== 'string') return target;
  const [pathAndQuery = '', fragment] = target.split('#');
  const separator = pathAndQuery.includes('?') ? '&' : '?';
  return `${pathAndQuery}${separator}lang=${encodeURIComponent(lang)}${fragment === undefined ? '' : `#${fragment}`}`;
}
