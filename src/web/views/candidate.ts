import type { DraftAnswer } from '../../domain/election.js';
import { fallbackLanguage, localize, type Locale } from '../../domain/locale.js';
import { scalePoints } from '../../domain/scale.js';
import type { Translator } from '../../i18n.js';
import type { Questionnaire } from '../../services/candidate-answers.js';
import { candidateView } from './public.js';
import { paths } from '../paths.js';

/* View-models of the candidate area. */

/**
 * An account form's problem: the message, and the field it is about, so the
 * page ties the one to the other (`aria-describedby`, `aria-invalid`).
 */
export function accountProblemView(problem: string, t: Translator): { error: string; errorField: 'email' | 'password' | 'confirm' } {
  const errorField = problem === 'mismatch' ? 'confirm' : problem.startsWith('email') || problem === 'already_registered' ? 'email' : 'password';
  return { error: t(`account.problem.${problem}`), errorField };
}

export interface ProfileError {
  field: 'bio' | 'links' | 'photoUrl';
  message: string;
}

/** The profile form's errors: listed above the form with links to their fields, and each field's own messages. */
export function profileErrorsView(errors: ProfileError[]) {
  const of = (field: ProfileError['field']) => errors.filter((e) => e.field === field).map((e) => e.message).join(' ') || null;
  return {
    errors: errors.map((e) => ({ href: `#${e.field}`, message: e.message })),
    invalid: { bio: of('bio'), links: of('links'), photoUrl: of('photoUrl') },
  };
}

export interface StatementError {
  key: string;
  message: string;
}

export function dashboardView(state: Questionnaire, input: { locale: Locale; t: Translator; acting: boolean; notice: string | null }) {
  const { election, candidate } = state;
  const total = election.statements.length;
  return {
    title: input.t('candidateArea.dashboardTitle'),
    acting: input.acting,
    notice: input.notice,
    candidate: { name: candidate.name, ballotName: candidate.ballotName, publicHref: paths.candidate(election.slug, candidate.key) },
    election: localize(election.name, input.locale),
    statusLabel: input.t(`status.${candidate.status}`),
    published: candidate.status === 'published',
    questionnaireOpen: election.questionnaireOpen,
    progress: input.t('candidateArea.progress', { answered: state.draft.size, total }),
    progressValue: state.draft.size,
    total,
    unpublishedChanges: state.unpublishedChanges,
    canPublish: state.draft.size > 0 && state.unpublishedChanges > 0 && election.questionnaireOpen,
  };
}

export function questionnaireView(
  state: Questionnaire,
  input: {
    locale: Locale;
    t: Translator;
    maxLength: number;
    /** What the candidate sent, when it comes back with errors. */
    submitted?: Map<number, { value: string | null; justification: string }>;
    errors?: StatementError[];
    saved?: boolean;
  },
) {
  const { election } = state;
  const { locale, t } = input;
  let number = 0;
  return {
    title: t('candidateArea.questionnaireTitle'),
    saved: input.saved ?? false,
    errors: (input.errors ?? []).map((e) => ({ href: `#statement-${e.key}`, message: e.message })),
    progress: t('candidateArea.progress', { answered: state.draft.size, total: election.statements.length }),
    maxLength: input.maxLength,
    open: election.questionnaireOpen,
    topics: election.topics.map((topic, index) => ({
      id: `topic-${index + 1}`,
      name: localize(topic.name, locale),
      nameLang: fallbackLanguage(topic.name, locale),
      statements: election.statements.flatMap((statement) => {
        if (statement.topicId !== topic.id) return [];
        number += 1;
        const sent = input.submitted?.get(statement.id);
        const draft: DraftAnswer | undefined = state.draft.get(statement.id);
        const chosen = sent ? sent.value : draft ? (draft.value === null ? 'none' : String(draft.value)) : null;
        const error = input.errors?.find((e) => e.key === statement.key);
        return [
          {
            key: statement.key,
            number,
            total: election.statements.length,
            text: localize(statement.text, locale),
            textLang: fallbackLanguage(statement.text, locale),
            context: statement.context === null ? null : localize(statement.context, locale),
            contextLang: fallbackLanguage(statement.context, locale),
            points: scalePoints(statement.scale).map((p) => ({ value: p.value, label: t(p.labelKey), checked: chosen === String(p.value) })),
            noAnswer: chosen === 'none',
            justification: sent ? sent.justification : (draft?.justification ?? ''),
            // Words the organizers hid or removed are not given back: their reason is.
            withheld: sent?.justification ? null : (state.withheld.get(statement.id) ?? null),
            error: error?.message ?? null,
          },
        ];
      }),
    })),
  };
}

/** The public candidate page, filled with the draft: exactly what voters will see after publishing. */
export function previewView(state: Questionnaire, input: { locale: Locale; t: Translator; race: Parameters<typeof candidateView>[0]['race'] }) {
  const view = candidateView(
    {
      election: state.election,
      race: input.race,
      candidate: { ...state.candidate, status: 'published' },
      // An answer published as it is keeps its organizers' reason, in place of hidden words.
      answers: [...state.draft.values()].map((d) => {
        const published = state.published.get(d.statementId);
        const unchanged = published !== undefined && published.value === d.value && published.justification === d.justification;
        return { ...d, hiddenReason: unchanged ? published.hiddenReason : null };
      }),
      history: [],
    },
    input.locale,
    input.t,
  );
  return { ...view, title: input.t('candidateArea.previewTitle'), preview: true };
}
