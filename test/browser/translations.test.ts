import * as cheerio from 'cheerio';
import { request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/domain/locale.js';
import { catalogues } from '../../src/i18n.js';
import { writePackage } from '../../src/services/election-packages.js';
import { loadFixture } from '../helpers/packages.js';
import { inLanguage, PAGE_TYPES, prepareVisitors, type PageType, type Visitor, type VisitorState } from './support/pages.js';
import { startSite, type Site } from './support/site.js';

/*
 * Complete translations: every page type, rendered in Spanish and in English,
 * shows no piece of Portuguese interface. A text the Spanish (or English) page
 * shares with the Portuguese one must be data (names, candidates' words, ids,
 * a race office with no translation), a text marked with its own `lang`, a
 * message that reads the same in that language ("Total", "E-mail"), or a
 * composition of those ("ATV — Aliança Terra Viva"). Code, addresses and
 * single letters are not language.
 */
const demo = loadFixture('demo-election.json');
const small = loadFixture('small-election.json');

/** Pages of the small election, whose statements are partly untranslated: their Portuguese must be marked as such. */
const FALLBACK_PAGES: PageType[] = [
  { name: 'election (untranslated statements)', path: '/e/vila-pequena-2028', visitor: 'anyone', status: 200 },
  { name: 'quiz (untranslated statements)', path: '/e/vila-pequena-2028/quiz', visitor: 'anyone', status: 200 },
  { name: 'candidate (untranslated statements)', path: '/e/vila-pequena-2028/candidates/ana', visitor: 'anyone', status: 200 },
  { name: 'compare (untranslated statements)', path: '/e/vila-pequena-2028/compare?c=ana,bruno&a=543-', visitor: 'anyone', status: 200 },
  { name: 'statement (untranslated)', path: '/e/vila-pequena-2028/statements/s4', visitor: 'anyone', status: 200 },
  { name: 'embed statement (untranslated)', path: '/embed/e/vila-pequena-2028/statements/s4', visitor: 'anyone', status: 200 },
];

/** Every string of the election packages and of the accounts the page list sets up: data, not interface. */
function dataStrings(): Set<string> {
  const strings = new Set<string>(['Concordo', 'candidata@example.org', 'organizacao@example.org', 'nova@example.org', 'voluntaria@example.org', 'Joana Voluntária']);
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.add(normalize(value));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk([demo, small]);
  for (const s of demo.statements) strings.add(`Justificativa da resposta ${s.id}.`);
  return strings;
}

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();
/** Whether a text, or each of the parts it is put together from, passes: "Vereador(a) — Vila Pequena", "Candidaturas · Concordo", "Aliança Terra Viva (ATV)". */
const composedOf = (text: string, passes: (part: string) => boolean) =>
  passes(text) ||
  text.split(/\s+[—·]\s+/).every((part) => passes(part) || part.split(/\s*[()]\s*/).filter((p) => p !== '').every(passes));

/** The messages of a catalogue as patterns, placeholders standing for anything. */
function messagePatterns(locale: Locale): RegExp[] {
  return Object.values(catalogues[locale]).map(
    (message) => new RegExp(`^${message.split(/\{\w+\}/).map((part) => normalize(part).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'su'),
  );
}

/** The interface texts of a page: text nodes and the attributes people read or hear, without parts marked as another language. */
function pageTexts(html: string): Set<string> {
  const $ = cheerio.load(html);
  const pageLang = $('html').attr('lang');
  const foreign = (el: Parameters<typeof $>[0]) => {
    const lang = $(el).closest('[lang]').attr('lang');
    return lang !== undefined && lang !== pageLang;
  };
  $('code, pre, textarea').remove();
  const texts = new Set<string>();
  const keep = (text: string) => {
    const value = normalize(text);
    // At least two letters, and not an address or a path.
    if (/\p{L}.*\p{L}/u.test(value) && !/^\S*\/\S*$/.test(value)) texts.add(value);
  };
  $('*')
    .contents()
    .each((_, node) => {
      if (node.type === 'text' && !foreign(node.parent!)) keep(node.data);
    });
  $('[title], [aria-label], [alt], [placeholder], [label]').each((_, el) => {
    if (foreign(el)) return;
    for (const name of ['title', 'aria-label', 'alt', 'placeholder', 'label']) keep($(el).attr(name) ?? '');
  });
  return texts;
}

describe('complete translations', () => {
  let site: Site;
  let visitors: Record<Visitor, VisitorState>;
  const data = dataStrings();
  const patterns = { es: messagePatterns('es'), en: messagePatterns('en') };

  beforeAll(async () => {
    site = await startSite();
    expect((await writePackage(site, { pkg: small, actor: 'test' })).ok).toBe(true);
    visitors = await prepareVisitors(site);
  });
  afterAll(() => site?.close());

  it.each([...PAGE_TYPES, ...FALLBACK_PAGES].map((type) => [type.name, type] as const))('%s: nothing left in Portuguese in es and en', async (_name, type) => {
    const api = await request.newContext({ baseURL: site.base, storageState: visitors[type.visitor] });
    const fetchTexts = async (locale: Locale) => {
      const res = await api.get(inLanguage(type.path, locale));
      expect(res.status(), `${type.path} in ${locale}`).toBe(type.status);
      return pageTexts(await res.text());
    };
    const portuguese = await fetchTexts('pt-BR');
    const left: Record<string, string[]> = {};
    for (const locale of ['es', 'en'] as const) {
      const readsTheSame = (text: string) => data.has(text) || /^[0-9a-f]{12}$/.test(text) || patterns[locale].some((p) => p.test(text));
      const untranslated = [...(await fetchTexts(locale))].filter(
        (text) => portuguese.has(text) && !composedOf(text, readsTheSame),
      );
      if (untranslated.length > 0) left[locale] = untranslated;
    }
    await api.dispose();
    expect(left).toEqual({});
  });
});
