import type { Db } from '../db/client.js';
import { readLinks, flag } from '../db/json-columns.js';
import { listChanges } from '../db/repositories/transparency.js';
import type { ElectionDetail, HistorySide } from '../domain/election.js';

/* The open data: what the read API and the downloads serve. Only published answers are public. */

export interface PublicCandidate {
  id: string;
  officialId: string | null;
  name: string;
  ballotName: string;
  ballotNumber: string | null;
  party: string | null;
  race: string;
  status: string;
  verified: boolean;
  elected: boolean;
  publishedAt: string | null;
  profile: {
    gender: string | null;
    raceColor: string | null;
    lgbt: boolean | null;
    collective: boolean | null;
    bio: string | null;
    links: string[];
    photoUrl: string | null;
  };
  answers: Record<string, { value: number | null; justification: string | null; hiddenReason: string | null }>;
}

/** The candidates of an election (or of one race), with their published answers, a race at a time. */
export async function* publicCandidates(
  db: Db,
  election: ElectionDetail,
  raceSlug?: string,
): AsyncGenerator<PublicCandidate[]> {
  const statementKeys = new Map(election.statements.map((s) => [s.id, s.key]));
  const parties = new Map(election.parties.map((p) => [p.id, p.slug]));
  for (const race of election.races) {
    if (raceSlug !== undefined && race.slug !== raceSlug) continue;
    const candidates = await db.selectFrom('candidates').selectAll().where('race_id', '=', race.id).orderBy('position').execute();
    const answers = await db
      .selectFrom('answers')
      .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
      .select(['answers.candidate_id', 'answers.statement_id', 'answers.value', 'answers.justification', 'answers.hidden_reason'])
      .where('candidates.race_id', '=', race.id)
      .where('candidates.status', '=', 'published')
      .execute();
    const byCandidate = new Map<number, PublicCandidate['answers']>();
    for (const a of answers) {
      const record = byCandidate.get(a.candidate_id) ?? {};
      record[statementKeys.get(a.statement_id) ?? String(a.statement_id)] = {
        value: a.value,
        justification: a.hidden_reason === null ? a.justification : null,
        hiddenReason: a.hidden_reason,
      };
      byCandidate.set(a.candidate_id, record);
    }
    yield candidates.map((c) => ({
      id: c.key,
      officialId: c.official_id,
      name: c.name,
      ballotName: c.ballot_name ?? c.name,
      ballotNumber: c.ballot_number,
      party: c.party_id === null ? null : (parties.get(c.party_id) ?? null),
      race: race.slug,
      status: c.status,
      verified: c.verified !== 0,
      elected: c.elected !== 0,
      publishedAt: c.published_at,
      profile: {
        gender: c.gender,
        raceColor: c.race_color,
        lgbt: flag.read(c.lgbt),
        collective: flag.read(c.collective),
        bio: c.bio,
        links: readLinks(c.links),
        photoUrl: c.photo_url,
      },
      answers: c.status === 'published' ? (byCandidate.get(c.id) ?? {}) : {},
    }));
  }
}

export const CSV_COLUMNS = [
  'election',
  'candidate_id',
  'official_id',
  'candidate_name',
  'ballot_name',
  'ballot_number',
  'party',
  'race',
  'office',
  'district',
  'statement_id',
  'topic',
  'scale',
  'answer',
  'value',
  'justification',
  'justification_hidden_reason',
  'published_at',
] as const;

/** The columns of numbers the service writes: the only ones whose cells may start with a minus and stay as written. */
export const CSV_NUMERIC_COLUMNS: ReadonlySet<(typeof CSV_COLUMNS)[number]> = new Set(['scale', 'value']);

/** One CSV row per published candidate × statement, in questionnaire order. */
export async function* csvRows(db: Db, election: ElectionDetail): AsyncGenerator<Record<(typeof CSV_COLUMNS)[number], string>> {
  const topics = new Map(election.topics.map((t) => [t.id, t.slug]));
  const races = new Map(election.races.map((r) => [r.slug, r]));
  const text = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  for await (const batch of publicCandidates(db, election)) {
    for (const candidate of batch) {
      if (candidate.status !== 'published') continue;
      const race = races.get(candidate.race)!;
      for (const statement of election.statements) {
        const answer = candidate.answers[statement.key];
        yield {
          election: election.slug,
          candidate_id: candidate.id,
          official_id: text(candidate.officialId),
          candidate_name: candidate.name,
          ballot_name: candidate.ballotName,
          ballot_number: text(candidate.ballotNumber),
          party: text(candidate.party),
          race: race.slug,
          office: typeof race.office === 'string' ? race.office : text(race.office['pt-BR'] ?? Object.values(race.office)[0]),
          district: typeof race.district === 'string' ? race.district : text(race.district['pt-BR'] ?? Object.values(race.district)[0]),
          statement_id: statement.key,
          topic: topics.get(statement.topicId) ?? '',
          scale: String(statement.scale),
          answer: answer === undefined ? 'not_answered' : answer.value === null ? 'no_answer' : 'value',
          value: answer?.value === null || answer === undefined ? '' : String(answer.value),
          justification: text(answer?.justification),
          justification_hidden_reason: text(answer?.hiddenReason),
          published_at: text(candidate.publishedAt),
        };
      }
    }
  }
}

/**
 * A page of the election's change log, newest first. Each side (old, new) has
 * what the hash chain commits to (whether there was an answer, its value, the
 * justification's SHA-256) and the justification's words, or, when the
 * organizers hid them or a redaction removed them, their public reason.
 */
export async function changesPage(db: Db, election: ElectionDetail, page: number, pageSize: number) {
  const { total, rows } = await listChanges(db, { electionId: election.id, offset: (page - 1) * pageSize, limit: pageSize });
  const side = (s: HistorySide) => ({
    answered: s.answered,
    value: s.value,
    justification: s.justification?.text ?? null,
    justificationSha256: s.justification?.sha256 ?? null,
    hiddenReason: s.justification?.reason ?? null,
    redacted: s.justification?.withheld === 'redacted',
  });
  return {
    page,
    pages: Math.max(1, Math.ceil(total / pageSize)),
    total,
    changes: rows.map((r) => ({
      seq: r.seq,
      changedAt: r.changedAt,
      candidate: r.candidateKey,
      statement: r.statementKey,
      old: side(r.old),
      new: side(r.new),
      actor: r.actor,
      hash: r.hash,
    })),
  };
}
