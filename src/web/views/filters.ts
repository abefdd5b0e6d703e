import type { CandidateFilter } from '../../domain/candidate-filter.js';
import { isFiltering } from '../../domain/candidate-filter.js';
import type { Party } from '../../domain/election.js';
import type { Translator } from '../../i18n.js';
import type { FilterQuery } from '../schemas/public.js';
import { raceColorLabel } from './public.js';

/** The candidate-filter form (GET, works without JavaScript), keeping the page's other parameters as hidden fields. */
export function filterForm(input: {
  action: string;
  query: FilterQuery;
  filter: CandidateFilter;
  parties: readonly Party[];
  options: { genders: string[]; raceColors: string[] };
  keep: Record<string, string | undefined | null>;
  t: Translator;
}) {
  const { t, query } = input;
  const select = (values: Array<{ value: string; label: string }>, current: string | undefined) => [
    { value: '', label: t('statement.all'), selected: current === undefined },
    ...values.map((v) => ({ ...v, selected: v.value === current })),
  ];
  return {
    action: input.action,
    open: isFiltering(input.filter),
    hidden: Object.entries(input.keep)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
      .map(([name, value]) => ({ name, value })),
    parties: select(input.parties.map((p) => ({ value: p.slug, label: `${p.abbreviation} — ${p.name}` })), query.party),
    genders: select(input.options.genders.map((g) => ({ value: g, label: g })), query.gender),
    raceColors: select(input.options.raceColors.map((r) => ({ value: r, label: raceColorLabel(r, t) })), query.rc),
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
