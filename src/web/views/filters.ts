import type { CandidateFilter } from '../../domain/candidate-filter.js';
import { isFiltering } from '../../domain/candidate-filter.js';
import type { Translator } from '../../i18n.js';
import type { FilterOption, FilterOptions } from '../../read-model/filter-options.js';
import type { FilterQuery } from '../schemas/public.js';

/** The candidate-filter form (GET, works without JavaScript), keeping the page's other parameters as hidden fields. */
export function filterForm(input: {
  action: string;
  query: FilterQuery;
  filter: CandidateFilter;
  /** The menus, labelled (read-model/filter-options.ts). */
  options: FilterOptions;
  keep: Record<string, string | undefined | null>;
  t: Translator;
}) {
  const { t, query } = input;
  const all = t('statement.all');
  const select = (values: readonly FilterOption[], current: string | undefined) => [
    { value: '', label: all, selected: current === undefined },
    ...values.map((v) => ({ value: v.value, label: v.label, selected: v.value === current })),
  ];
  return {
    action: input.action,
    open: isFiltering(input.filter),
    hidden: Object.entries(input.keep)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
      .map(([name, value]) => ({ name, value })),
    parties: select(input.options.parties, query.party),
    genders: select(input.options.genders, query.gender),
    raceColors: select(input.options.raceColors, query.rc),
    answered: select(
      [
        { value: 'yes', label: t('filters.answeredYes') },
        { value: 'no', label: t('filters.answeredNo') },
      ],
      query.ans,
    ),
    lgbt: query.lgbt === '1',
    collective: query.coll === '1',
  };
}
