import { raceColorMessageKey, type Party } from '../domain/election.js';
import type { Locale } from '../domain/locale.js';
import { translate } from '../i18n.js';

export interface FilterOption {
  value: string;
  label: string;
}

/** What a race's candidate-filter menus offer, labelled in one language (web/views/filters.ts marks the chosen ones). */
export interface FilterOptions {
  parties: readonly FilterOption[];
  genders: readonly FilterOption[];
  raceColors: readonly FilterOption[];
}

/** The menus in a language: the parties, and the self-declared values the candidates listed hold. */
export function filterOptions(input: { parties: readonly Party[]; values: { genders: readonly string[]; raceColors: readonly string[] }; locale: Locale }): FilterOptions {
  const { locale } = input;
  return {
    parties: input.parties.map((p) => ({ value: p.slug, label: `${p.abbreviation} — ${p.name}` })),
    genders: input.values.genders.map((g) => ({ value: g, label: g })),
    raceColors: input.values.raceColors.map((r) => {
      const key = raceColorMessageKey(r);
      return { value: r, label: key === null ? r : translate(locale, key) };
    }),
  };
}
