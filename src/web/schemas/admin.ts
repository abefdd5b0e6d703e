import { z } from 'zod';
import { ID_PATTERN, SLUG_PATTERN } from '../../domain/ids.js';
import { LOCALES, type LocalizedText } from '../../domain/locale.js';

/* Organizer forms. Messages are message keys, shown in the organizer's language. */

// The shared rules (schemas/ids.ts), on what was typed trimmed, with the message the form shows.
const slug = z.string().trim().regex(SLUG_PATTERN, 'admin.error.slug').max(100, 'admin.error.slug');
const text = (max: number) => z.string().trim().max(max, 'admin.error.tooLong').default('');
function localized<P extends string>(prefix: P, max: number) {
  return { [`${prefix}_pt-BR`]: text(max), [`${prefix}_es`]: text(max), [`${prefix}_en`]: text(max) } as Record<
    `${P}_pt-BR` | `${P}_es` | `${P}_en`,
    ReturnType<typeof text>
  >;
}
const checkbox = z.string().optional().transform((v) => v === 'on' || v === '1' || v === 'true');
const csrf = { _csrf: z.string().optional() };

export const ElectionForm = z
  .strictObject({
    slug: slug.optional(),
    ...localized('name', 300),
    date: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'admin.error.date').refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'admin.error.date'),
    country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'admin.error.country').optional(),
    scale: z.coerce.number({ error: 'admin.error.scale' }).int('admin.error.scale').min(2, 'admin.error.scale').max(7, 'admin.error.scale').optional(),
    minAnswers: z.coerce.number({ error: 'admin.error.minAnswers' }).int('admin.error.minAnswers').min(1, 'admin.error.minAnswers').max(1000, 'admin.error.minAnswers'),
    questionnaireOpen: checkbox,
    campaignPeriod: checkbox,
    volunteerPriority: z.enum(['random', 'underrepresented']).optional(),
    ...csrf,
  })
  .refine((v) => v['name_pt-BR'] || v.name_es || v.name_en, { path: ['name_pt-BR'], message: 'admin.error.name' });
export type ElectionForm = z.infer<typeof ElectionForm>;

export const TopicForm = z
  .strictObject({ slug: slug.optional(), ...localized('name', 200), ...csrf })
  .refine((v) => v['name_pt-BR'] || v.name_es || v.name_en, { path: ['name_pt-BR'], message: 'admin.error.name' });

export const StatementForm = z
  .strictObject({
    key: z.string().trim().regex(ID_PATTERN, 'admin.error.statementId').max(100).optional(),
    topic: slug,
    ...localized('text', 1000),
    ...localized('context', 3000),
    scale: z
      .string()
      .trim()
      .regex(/^[2-7]?$/, 'admin.error.scale')
      .default('')
      .transform((v) => (v === '' ? ('' as const) : Number(v))),
    ...csrf,
  })
  .refine((v) => v['text_pt-BR'] || v.text_es || v.text_en, { path: ['text_pt-BR'], message: 'admin.error.text' });

export const MoveForm = z.strictObject({ direction: z.enum(['up', 'down']), ...csrf });

export const RaceForm = z
  .strictObject({ slug: slug.optional(), ...localized('office', 200), ...localized('district', 200), ...csrf })
  .refine((v) => v['office_pt-BR'] || v.office_es || v.office_en, { path: ['office_pt-BR'], message: 'admin.error.office' })
  .refine((v) => v['district_pt-BR'] || v.district_es || v.district_en, { path: ['district_pt-BR'], message: 'admin.error.district' });

export const PartyForm = z.strictObject({
  slug: slug.optional(),
  abbreviation: z.string().trim().min(1, 'admin.error.abbreviation').max(30, 'admin.error.tooLong'),
  name: z.string().trim().min(1, 'admin.error.partyName').max(200, 'admin.error.tooLong'),
  number: z
    .string()
    .trim()
    .regex(/^\d{0,5}$/, 'admin.error.number')
    .default('')
    .transform((v) => (v === '' ? ('' as const) : Number(v))),
  ...csrf,
});

export const VolunteerParams = z.object({ id: z.coerce.number().int() });

export const VerifyForm = z.strictObject({ verified: z.enum(['0', '1']), ...csrf });
export const ElectedForm = z.strictObject({ elected: z.enum(['0', '1']), ...csrf });

export const InviteForm = z.strictObject({ race: z.union([z.literal(''), slug]).default(''), ...csrf });

export const ModerationForm = z
  .strictObject({
    candidate: z.string().trim().min(1, 'admin.error.candidate').max(100),
    statement: z.string().trim().min(1, 'admin.error.statement').max(100),
    /** A text of the change history, by id; without it, the published answer's justification. */
    text: z
      .string()
      .regex(/^[1-9]\d{0,11}$/)
      .transform(Number)
      .optional(),
    action: z.enum(['hide', 'restore', 'redact']),
    reason: z.string().trim().max(500, 'admin.error.tooLong').default(''),
    /** A redaction cannot be undone: the organizer says they know. */
    confirm: z.literal('yes').optional(),
    ...csrf,
  })
  .refine((v) => v.action === 'restore' || v.reason.length >= 5, { path: ['reason'], message: 'admin.error.reason' })
  .refine((v) => v.action !== 'redact' || v.confirm === 'yes', { path: ['confirm'], message: 'admin.error.confirmRedaction' });

export const CandidateFilter = z.object({
  race: slug.optional().catch(undefined),
  status: z.enum(['listed', 'invited', 'registered', 'published']).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

/** Localized text from a form's per-language fields; languages left empty are left out. */
export function localizedFromForm(values: Readonly<Record<string, unknown>>, prefix: string): LocalizedText | null {
  const text: Partial<Record<(typeof LOCALES)[number], string>> = {};
  for (const locale of LOCALES) {
    const raw = values[`${prefix}_${locale}`];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value) text[locale] = value;
  }
  return Object.keys(text).length > 0 ? text : null;
}
