import { DEFAULT_LOCALE, LOCALES, type Locale } from './domain/locale.js';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import ptBR from './locales/pt-BR.json' with { type: 'json' };

/** Flat message catalogues, one per locale; keys are dotted names (`election.races`). */
export const catalogues: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  'pt-BR': ptBR,
  es,
  en,
};

export type Params = Readonly<Record<string, string | number>>;

/* Intl objects are costly to make and safe to share: one of each per locale, made at start. */
const INTL = Object.fromEntries(LOCALES.map((locale) => [locale, { plural: new Intl.PluralRules(locale), numbers: new Intl.NumberFormat(locale) }])) as Record<
  Locale,
  { plural: Intl.PluralRules; numbers: Intl.NumberFormat }
>;

/**
 * The message `key` in `locale` with `{name}` placeholders filled. With a numeric
 * `count`, `key.one` / `key.other` are chosen by the locale's plural rules when present.
 * A key missing everywhere is returned as is, so a gap shows instead of breaking a page
 * (and a test fails on it: every key must exist in every locale).
 */
export function translate(locale: Locale, key: string, params: Params = {}): string {
  const catalogue = catalogues[locale];
  let chosen = key;
  if (typeof params.count === 'number') {
    const plural = `${key}.${INTL[locale].plural.select(params.count)}`;
    chosen = plural in catalogue ? plural : `${key}.other` in catalogue ? `${key}.other` : key;
  }
  const template = catalogue[chosen] ?? catalogues[DEFAULT_LOCALE][chosen] ?? key;
  if (!template.includes('{')) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? INTL[locale].numbers.format(value) : value;
  });
}

export type Translator = (key: string, params?: Params) => string;

export function translator(locale: Locale): Translator {
  return (key, params) => translate(locale, key, params);
}

/** The locale of a POSIX environment (`LANG=pt_BR.UTF-8` → pt-BR), for the command line. */
export function localeFromEnvironment(env: NodeJS.ProcessEnv = process.env): Locale {
  const raw = (env.CONCORDO_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '').split('.')[0]?.replace('_', '-') ?? '';
  const exact = LOCALES.find((l) => l.toLowerCase() === raw.toLowerCase());
  if (exact) return exact;
  const language = raw.split('-')[0]?.toLowerCase();
  return LOCALES.find((l) => l.split('-')[0] === language) ?? DEFAULT_LOCALE;
}
