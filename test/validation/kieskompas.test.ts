import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/domain/fairness.js';
import { METHODS, type Method } from '../../src/domain/matching.js';
import { validatePackage, type ElectionPackage } from '../../src/formats/election-package.js';
import { ReadModel } from '../../src/read-model/read-model.js';
import { writePackage } from '../../src/services/election-packages.js';
import { decodeAnswerObjects, matchVoter } from '../../src/services/matching.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { hasSharedData, readSharedCsv } from '../helpers/shared-data.js';

/*
 * Validation against real voters: the Dutch Kieskompas 2023 (Tweede Kamer),
 * 18 parties' positions on 30 propositions and 25,001 users' answers with the
 * party they meant to vote for (../shared/data/kieskompas-tk2023, from
 * cran/lmap; the data belongs to Kieskompas). Every respondent who named one
 * of the 18 parties is matched in-process with each method, and the share
 * whose intended party comes first / in the first three is printed. The
 * assertions are sanity properties only, not a target figure.
 */

const available = hasSharedData('kieskompas-tk2023');
if (!available) {
  // eslint-disable-next-line no-console
  console.warn('Skipping the Kieskompas validation: ../shared/data/kieskompas-tk2023 is absent');
}

const FOLDER = 'kieskompas-tk2023';
const ELECTION = 'tk-2023';
const SEED = 20231122;
/** Respondents whose scores are also recomputed here, independently of Concordo's code. */
const RECOMPUTED = 500;

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** "4.0" → 4; "NA" or an empty cell → null (no answer). */
function answerValue(cell: string | undefined, where: string): number | null {
  const text = (cell ?? '').trim();
  if (text === '' || text === 'NA') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 5) throw new Error(`${where}: unexpected value ${JSON.stringify(cell)}`);
  return value;
}

/** SPEC §5.2–§5.5 written out again for a 5-point scale, weights 1, policy `penalty`. */
function expectedScore(method: Method, voter: Array<number | null>, party: Array<number | null>): number {
  const p = (v: number) => (v - 1) / 4 - 0.5;
  let sum = 0;
  let n = 0;
  voter.forEach((v, s) => {
    if (v === null) return;
    n += 1;
    const c = party[s] ?? null;
    if (method === 'agreement') {
      sum += c === v ? 1 : 0;
      return;
    }
    const delta = c === null ? Math.abs(p(v) - (p(v) > 0 ? -0.5 : 0.5)) : Math.abs(p(v) - p(c));
    sum += method === 'euclidean' ? delta * delta : delta;
  });
  if (method === 'agreement') return (100 * sum) / n;
  if (method === 'euclidean') return 100 * (1 - Math.sqrt(sum / n));
  return 100 * (1 - sum / n);
}

interface Rates {
  matched: number;
  tooFew: number;
  top1: number;
  top1Alone: number;
  top1Shared: number;
  top3: number;
  sharedFirst: number;
}

describe.skipIf(!available)('Kieskompas TK 2023: real respondents against the parties', () => {
  let ctx: TestContext;
  let readModel: ReadModel;
  let pkg: ElectionPackage;
  let statementKeys: string[];
  let partySlugs: string[];
  let partyValues: Map<string, Array<number | null>>;
  let respondents: Array<{ id: string; intention: string; values: Array<number | null> }>;
  const excluded = new Map<string, number>();
  let total = 0;
  let minAnswers = 0;

  beforeAll(async () => {
    const propositions = readSharedCsv(FOLDER, 'propositions.csv');
    const positions = readSharedCsv(FOLDER, 'party_positions.csv');
    const responses = readSharedCsv(FOLDER, 'users_responses.csv');

    const columns = propositions.map((p) => p.nummer!);
    statementKeys = columns.map((c) => c.toLowerCase());
    const themes = [...new Set(propositions.map((p) => p.theme!))];
    partySlugs = positions.map((row) => row.party!);
    partyValues = new Map(positions.map((row) => [row.party!, columns.map((c) => answerValue(row[c], `party ${row.party} ${c}`))]));

    const input = {
      format: 'concordo.election/1',
      election: { slug: ELECTION, name: 'Tweede Kamerverkiezingen 2023 (Kieskompas)', date: '2023-11-22', country: 'NL', scale: 5, minAnswers: 5 },
      topics: themes.map((theme) => ({ slug: slugify(theme), name: theme })),
      statements: propositions.map((p, i) => ({ id: statementKeys[i]!, topic: slugify(p.theme!), text: p.stelling! })),
      races: [{ slug: 'tweede-kamer', office: 'Tweede Kamer', district: 'Nederland' }],
      parties: partySlugs.map((slug) => ({ slug, abbreviation: slug.toUpperCase(), name: slug })),
      candidates: partySlugs.map((slug) => ({
        id: slug,
        name: slug.toUpperCase(),
        party: slug,
        race: 'tweede-kamer',
        answers: Object.fromEntries(statementKeys.map((key, s) => [key, { value: partyValues.get(slug)![s] ?? null }])),
      })),
    };
    const validation = validatePackage(input);
    if (!validation.ok) throw new Error(`package rejected: ${JSON.stringify(validation.errors.slice(0, 5))}`);
    pkg = validation.value;
    minAnswers = pkg.election.minAnswers;

    const parties = new Set(partySlugs);
    total = responses.length;
    respondents = [];
    for (const row of responses) {
      const intention = (row.vote_intention ?? '').trim();
      if (!parties.has(intention)) {
        const reason = intention === '' || intention === 'NA' ? '(none given)' : intention;
        excluded.set(reason, (excluded.get(reason) ?? 0) + 1);
        continue;
      }
      respondents.push({
        id: row.respondent!,
        intention,
        values: columns.map((c) => answerValue(row[c], `respondent ${row.respondent} ${c}`)),
      });
    }

    ctx = await createTestContext();
    const outcome = await writePackage(ctx, { pkg, actor: 'test' });
    expect(outcome.ok).toBe(true);
    readModel = new ReadModel(ctx.db);
  }, 60_000);
  afterAll(() => ctx?.close());

  it('turns the data into a valid package', () => {
    expect(pkg.statements).toHaveLength(30);
    expect(pkg.topics.length).toBeGreaterThan(1);
    expect(pkg.candidates).toHaveLength(18);
    expect(total).toBe(25_001);
    expect(respondents.length + [...excluded.values()].reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('ranks every party for every respondent, with each method, better than chance', async () => {
    const rates = new Map<Method, Rates>();
    let recomputed = 0;
    const started = Date.now();
    for (const method of METHODS) {
      const r: Rates = { matched: 0, tooFew: 0, top1: 0, top1Alone: 0, top1Shared: 0, top3: 0, sharedFirst: 0 };
      rates.set(method, r);
      for (const [index, respondent] of respondents.entries()) {
        const answers = Object.fromEntries(statementKeys.map((key, s) => [key, respondent.values[s] ?? null]));
        const result = await matchVoter(readModel, {
          election: ELECTION,
          race: undefined,
          decode: (election) => decodeAnswerObjects(election, { answers }),
          settings: { method, missing: 'penalty', seed: SEED },
          random: seededRandom(SEED),
        });
        if (result.kind !== 'matched') throw new Error(`respondent ${respondent.id}: ${result.kind}`);
        const answered = respondent.values.filter((v) => v !== null).length;
        const { outcome } = result;
        if (!outcome.ok) {
          expect(answered).toBeLessThan(minAnswers);
          r.tooFew += 1;
          continue;
        }
        expect(outcome.counted).toBe(answered);
        r.matched += 1;

        // Sanity: all 18 parties ranked, scores in [0, 100], best first, ranks 1-based with ties sharing.
        const results = outcome.results.map((x) => ({ ...x, slug: result.race.candidates[x.candidate]!.key }));
        if (results.length !== partySlugs.length || outcome.unranked.length !== 0) {
          throw new Error(`respondent ${respondent.id} (${method}): ${results.length} ranked, ${outcome.unranked.length} unranked`);
        }
        let first = 0;
        for (const [i, x] of results.entries()) {
          if (!(x.score >= -1e-9 && x.score <= 100 + 1e-9)) throw new Error(`respondent ${respondent.id} (${method}): score ${x.score}`);
          if (i > 0 && x.score > results[i - 1]!.score + 1e-9) throw new Error(`respondent ${respondent.id} (${method}): not best first`);
          const better = results.filter((y) => y.score - x.score >= 1e-9).length;
          if (x.rank !== 1 + better) throw new Error(`respondent ${respondent.id} (${method}): rank ${x.rank}, expected ${1 + better}`);
          if (x.rank === 1) first += 1;
        }
        if (first > 1) r.sharedFirst += 1;

        if (index < RECOMPUTED) {
          for (const x of results) {
            expect(x.score, `${respondent.id} ${method} ${x.slug}`).toBeCloseTo(expectedScore(method, respondent.values, partyValues.get(x.slug)!), 9);
          }
          recomputed += 1;
        }

        const mine = results.find((x) => x.slug === respondent.intention)!;
        if (mine.rank === 1) {
          r.top1 += 1;
          if (first === 1) r.top1Alone += 1;
          else r.top1Shared += 1;
        }
        if (mine.rank <= 3) r.top3 += 1;
      }
    }
    const elapsed = Date.now() - started;

    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)} %`.padStart(8);
    const lines = [
      `Kieskompas TK 2023: ${total} respondents; ${respondents.length} named one of the ${partySlugs.length} parties and were matched; ` +
        `excluded ${total - respondents.length}: ${[...excluded].map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
        `fewer than ${minAnswers} answers: ${rates.get('cityblock')!.tooFew}.`,
      `method       matched    top-1   (alone  shared)    top-3   first place shared`,
      ...METHODS.map((method) => {
        const r = rates.get(method)!;
        return (
          `${method.padEnd(10)} ${String(r.matched).padStart(9)} ${pct(r.top1, r.matched)} ${pct(r.top1Alone, r.matched)}${pct(r.top1Shared, r.matched)} ` +
          `${pct(r.top3, r.matched)} ${pct(r.sharedFirst, r.matched)}`
        );
      }),
      `chance level: top-1 ${(100 / 18).toFixed(1)} %, top-3 ${(300 / 18).toFixed(1)} %. ` +
        `${METHODS.length * respondents.length} matches in ${elapsed} ms; ${recomputed} recomputed independently.`,
    ];
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));

    for (const method of METHODS) {
      const r = rates.get(method)!;
      expect(r.matched + r.tooFew).toBe(respondents.length);
      expect(r.matched).toBeGreaterThan(0);
      expect(r.top1 / r.matched).toBeGreaterThan(1 / 18);
      expect(r.top3 / r.matched).toBeGreaterThan(3 / 18);
      expect(r.top3).toBeGreaterThanOrEqual(r.top1);
    }
    expect(recomputed).toBeGreaterThan(0);
  }, 120_000);
});
