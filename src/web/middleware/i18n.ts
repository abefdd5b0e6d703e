import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../../domain/locale.js';
import { translator } from '../../i18n.js';

const LANGUAGE_NAMES: Record<Locale, string> = { 'pt-BR': 'Português', es: 'Español', en: 'English' };

/**
 * Picks the page language: `?lang=` first, then `Accept-Language`, then pt-BR.
 * An explicit `?lang=` is kept in the page's links (see the `href` helper).
 */
export function i18n(req: Request, res: Response, next: NextFunction): void {
  const requested = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  const explicit = isLocale(requested) ? requested : undefined;
  const negotiated = req.acceptsLanguages([...LOCALES]);
  const locale: Locale = explicit ?? (isLocale(negotiated) ? negotiated : DEFAULT_LOCALE);
  res.vary('Accept-Language');
  res.locals.locale = locale;
  res.locals.langParam = explicit ?? null;
  res.locals.t = translator(locale);
  // The language links are worked out only for a page that renders them (not for a kept widget, JSON or a redirect).
  let languages: LanguageLink[] | undefined;
  Object.defineProperty(res.locals, 'languages', {
    enumerable: true,
    get: () => (languages ??= languageLinks(req.originalUrl, locale)),
  });
  next();
}

export interface LanguageLink {
  code: Locale;
  name: string;
  current: boolean;
  href: string;
}

/** The header's links to this page in each language. */
export function languageLinks(url: string, locale: Locale): LanguageLink[] {
  return LOCALES.map((code) => ({ code, name: LANGUAGE_NAMES[code], current: code === locale, href: withQuery(url, { lang: code }) }));
}

/** The URL with some query parameters set (or removed when null), keeping the others. */
export function withQuery(url: string, params: Record<string, string | null>): string {
  const parsed = new URL(url, 'http://x');
  for (const [key, value] of Object.entries(params)) {
    if (value === null) parsed.searchParams.delete(key);
    else parsed.searchParams.set(key, value);
  }
  return `${parsed.pathname}${parsed.search}`;
}
