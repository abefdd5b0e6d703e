/** The languages every page, e-mail and message is written in; the first is the default. */
export const LOCALES = ['pt-BR', 'es', 'en'] as const;

export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'pt-BR';

/** A text in one or several languages: a plain string serves every language. */
export type LocalizedText = string | Partial<Record<Locale, string>>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The text for a locale: the locale itself, then the default locale, then any
 * other language it was written in, so a page never shows an empty place.
 */
export function localize(text: LocalizedText | null | undefined, locale: Locale): string {
  if (text === null || text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[locale] ?? text[DEFAULT_LOCALE] ?? LOCALES.map((l) => text[l]).find((t) => t !== undefined) ?? '';
}

/** Whether a localized text is available in the locale itself (not by fallback). */
export function hasLocale(text: LocalizedText | null | undefined, locale: Locale): boolean {
  return typeof text === 'string' || (text !== null && text !== undefined && text[locale] !== undefined);
}

/**
 * The language `localize` falls back to for a locale, or null when the text is
 * in that locale (or is a plain string, which serves every language). Pages
 * mark such text with a `lang` attribute, so screen readers pronounce it right.
 */
export function fallbackLanguage(text: LocalizedText | null | undefined, locale: Locale): Locale | null {
  if (text === null || text === undefined || typeof text === 'string' || text[locale] !== undefined) return null;
  if (text[DEFAULT_LOCALE] !== undefined) return DEFAULT_LOCALE;
  return LOCALES.find((l) => text[l] !== undefined) ?? null;
}

const SPANISH_SPEAKING = new Set(['AR', 'BO', 'CL', 'CO', 'CR', 'CU', 'DO', 'EC', 'ES', 'GQ', 'GT', 'HN', 'MX', 'NI', 'PA', 'PE', 'PR', 'PY', 'SV', 'UY', 'VE']);

/** The language an election's messages to candidates are written in, from its country. */
export function localeForCountry(country: string): Locale {
  if (country === 'BR' || country === 'PT' || country === 'AO' || country === 'MZ') return 'pt-BR';
  if (SPANISH_SPEAKING.has(country)) return 'es';
  return 'en';
}
