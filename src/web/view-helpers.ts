import type { HelperOptions } from 'handlebars';
import { keepingLang } from './paths.js';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../domain/locale.js';
import { translate } from '../i18n.js';

/*
 * Handlebars helpers. They read the page's locale from the template's root
 * context (set by the i18n middleware) and never touch data sources. Their
 * names are verbs or otherwise unlike data fields: a helper shadows a field of
 * the same name in a template (`{{date}}` would call a helper named `date`).
 */

function rootOf(options: HelperOptions): Record<string, unknown> {
  return (options.data?.root ?? {}) as Record<string, unknown>;
}

function localeOf(options: HelperOptions): Locale {
  const locale = rootOf(options).locale;
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

const LANGUAGE_NAMES: Record<Locale, string> = { 'pt-BR': 'Português', es: 'Español', en: 'English' };

export const viewHelpers = {
  /** `{{t "key" name=value}}`: a message in the page's language. */
  t(key: string, options: HelperOptions): string {
    return translate(localeOf(options), key, options.hash as Record<string, string | number>);
  },

  /** `{{url "/e/x"}}`: a site path that keeps an explicit `?lang=` of the current page. */
  url(target: string, options: HelperOptions): string {
    return keepingLang(target, rootOf(options).langParam);
  },

  /** `{{formatDate "2028-10-01"}}` or an ISO time: a date in the page's language. */
  formatDate(value: string, options: HelperOptions): string {
    if (typeof value !== 'string' || value === '') return '';
    const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
    if (Number.isNaN(time.getTime())) return value;
    return new Intl.DateTimeFormat(localeOf(options), { dateStyle: 'long', timeZone: 'UTC' }).format(time);
  },

  /** `{{formatDateTime iso}}`: date and time (UTC) in the page's language. */
  formatDateTime(value: string, options: HelperOptions): string {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) return String(value ?? '');
    return new Intl.DateTimeFormat(localeOf(options), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
      time,
    );
  },

  /** `{{formatNumber n}}`: a number in the page's language. */
  formatNumber(value: number, options: HelperOptions): string {
    return new Intl.NumberFormat(localeOf(options)).format(value);
  },

  eq(a: unknown, b: unknown): boolean {
    return a === b;
  },

  /** `{{concat a "_" b}}`: strings joined (the last argument is Handlebars' options). */
  concat(...parts: unknown[]): string {
    return parts.slice(0, -1).map(String).join('');
  },

  /** A language's name in that language (`pt-BR` → Português), for fields written in it. */
  languageName(code: string): string {
    return LANGUAGE_NAMES[code as Locale] ?? code;
  },

  /** The languages every text can be written in. */
  locales(): readonly string[] {
    return LOCALES;
  },

  gt(a: unknown, b: unknown): boolean {
    return Number(a) > Number(b);
  },
};
