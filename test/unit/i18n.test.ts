import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ERROR_CODES } from '../../src/formats/election-package.js';
import { ROLL_CALL_ERROR_CODES } from '../../src/formats/roll-calls.js';
import { PAIR_OUTCOMES, ROLL_CALL_VOTES } from '../../src/domain/coherence.js';
import { catalogues, localeFromEnvironment, translate } from '../../src/i18n.js';
import { fallbackLanguage, localize, LOCALES } from '../../src/domain/locale.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, extension) : full.endsWith(extension) ? [full] : [];
  });
}

/** Message keys named literally in templates (`{{t "key"`) and code (`t('key'`, `translate(locale, 'key'`). */
function keysUsed(): Set<string> {
  const keys = new Set<string>();
  for (const file of filesUnder(path.join(root, 'views'), '.hbs')) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\{\{t "([\w.]+)"/g)) keys.add(match[1]!);
  }
  for (const file of filesUnder(path.join(root, 'src'), '.ts')) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bt\('([\w.]+)'/g)) keys.add(match[1]!);
    for (const match of text.matchAll(/translate\(\w+, '([\w.]+)'/g)) keys.add(match[1]!);
  }
  return keys;
}

/** A key counts as present when it, or its plural forms, exist. */
const has = (catalogue: Readonly<Record<string, string>>, key: string) => key in catalogue || `${key}.other` in catalogue;

describe('translations', () => {
  const reference = Object.keys(catalogues['pt-BR']).sort();

  it.each(LOCALES)('%s has exactly the same keys as pt-BR', (locale) => {
    expect(Object.keys(catalogues[locale]).sort()).toEqual(reference);
  });

  it.each(LOCALES)('%s has every key the templates and code use', (locale) => {
    const missing = [...keysUsed()].filter((key) => !has(catalogues[locale], key));
    expect(missing).toEqual([]);
  });

  it.each(LOCALES)('%s names every package fault, statuses, scales and error titles', (locale) => {
    const dynamic = [
      ...PACKAGE_ERROR_CODES.map((code) => `package.error.${code}`),
      ...ROLL_CALL_ERROR_CODES.map((code) => `votes.error.${code}`),
      ...PAIR_OUTCOMES.map((outcome) => `coherence.outcome.${outcome}`),
      ...[...ROLL_CALL_VOTES, 'none'].map((vote) => `coherence.vote.${vote}`),
      'package.error.has_history',
      ...['topic', 'statement', 'race', 'party', 'candidate'].map((k) => `package.kind.${k}`),
      ...['listed', 'invited', 'registered', 'published'].map((s) => `status.${s}`),
      ...['notFound', 'badRequest', 'internal'].map((s) => `error.title.${s}`),
    ];
    expect(dynamic.filter((key) => !has(catalogues[locale], key))).toEqual([]);
  });

  it.each(LOCALES)('%s keeps the placeholders of pt-BR in every message', (locale) => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of reference) {
      expect(placeholders(catalogues[locale][key]!), key).toEqual(placeholders(catalogues['pt-BR'][key]!));
    }
  });

  it('fills placeholders, formats numbers and picks plural forms by language', () => {
    expect(translate('en', 'election.statementCount', { count: 1 })).toBe('1 statement');
    expect(translate('en', 'election.statementCount', { count: 24 })).toBe('24 statements');
    expect(translate('pt-BR', 'rate.summary', { published: 1200, total: 8563, percent: 14 })).toBe(
      '1.200 de 8.563 candidaturas responderam (14%)',
    );
    expect(translate('es', 'package.error.outside_scale', { value: 9, max: 5 })).toBe('9 está fuera de la escala de 1 a 5');
  });

  it('names the language a text is shown in when it is not the page’s', () => {
    const text = { 'pt-BR': 'Meio ambiente', en: 'Environment' };
    expect([localize(text, 'en'), fallbackLanguage(text, 'en')]).toEqual(['Environment', null]);
    expect([localize(text, 'es'), fallbackLanguage(text, 'es')]).toEqual(['Meio ambiente', 'pt-BR']);
    expect([localize({ en: 'Environment' }, 'es'), fallbackLanguage({ en: 'Environment' }, 'es')]).toEqual(['Environment', 'en']);
    // A plain string serves every language.
    expect(fallbackLanguage('Serra Azul', 'es')).toBeNull();
    expect(fallbackLanguage(null, 'es')).toBeNull();
  });

  it('takes the command line’s language from the environment', () => {
    expect(localeFromEnvironment({ LANG: 'es_CL.UTF-8' })).toBe('es');
    expect(localeFromEnvironment({ LANG: 'pt_BR.UTF-8' })).toBe('pt-BR');
    expect(localeFromEnvironment({ LANG: 'en_US.UTF-8', CONCORDO_LANG: 'es' })).toBe('es');
    expect(localeFromEnvironment({ LANG: 'C.UTF-8' })).toBe('pt-BR');
    expect(localeFromEnvironment({})).toBe('pt-BR');
  });
});
