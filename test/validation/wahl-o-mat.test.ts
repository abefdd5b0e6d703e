import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePackage, type ElectionPackage } from '../../src/formats/election-package.js';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { hasSharedData, readSharedJson } from '../helpers/shared-data.js';

/*
 * Validation against Germany's official VAA (SPEC §5.5): on a 3-point scale
 * `cityblock` must give exactly the Wahl-O-Mat points rule — same answer 2
 * points, neutral against a side 1, opposite sides 0, doubled statements
 * counting twice, percent = 100 · points / (2 · Σ weights).
 *
 * Data: Wahl-O-Mat Bundestagswahl 2025 from gockelhahn/qual-o-mat-data
 * (../shared/data/wahl-o-mat, see its README); the parties' answers and
 * justifications belong to the parties and the Bundeszentrale für politische
 * Bildung. The expected scores are computed here from the raw answer codes,
 * without any of Concordo's code.
 */

const available = hasSharedData('wahl-o-mat');
if (!available) {
  // eslint-disable-next-line no-console
  console.warn('Skipping the Wahl-O-Mat validation: ../shared/data/wahl-o-mat is absent');
}

const FOLDER = ['wahl-o-mat', 'data', '2025', 'deutschland'] as const;
const ELECTION = 'btw-2025';
const PROFILES = 320;

interface WomStatement {
  id: number;
  label: string;
  text: string;
}
interface WomParty {
  id: number;
  name: string;
  longname: string;
}
interface WomOpinion {
  party: number;
  statement: number;
  answer: number;
  comment: number;
}
interface WomComment {
  id: number;
  text: string;
}
interface WomOverview {
  title: string;
  date: string;
}

/** Wahl-O-Mat answer codes. */
const AGREE = 0;
const DISAGREE = 1;
const NEUTRAL = 2;

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The party's justification: trimmed, the enclosing quotes the data adds removed, at most 5000 characters. */
function justification(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).trim();
  if (t === '') return undefined;
  return t.length > 5000 ? t.slice(0, 5000).trim() : t;
}

const statementId = (index: number) => `s${String(index + 1).padStart(2, '0')}`;

/** A small seeded generator (xorshift32), independent of Concordo's. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

describe.skipIf(!available)('Wahl-O-Mat Bundestag 2025: cityblock equals the points rule', () => {
  let ctx: TestContext;
  let statements: WomStatement[];
  let parties: WomParty[];
  let slugs: string[];
  /** partyAnswer[partyIndex][statementIndex]: Wahl-O-Mat code, or undefined. */
  let partyAnswer: Array<Array<number | undefined>>;
  let pkg: ElectionPackage;

  beforeAll(async () => {
    statements = readSharedJson<WomStatement[]>(...FOLDER, 'statement.json');
    parties = readSharedJson<WomParty[]>(...FOLDER, 'party.json');
    const opinions = readSharedJson<WomOpinion[]>(...FOLDER, 'opinion.json');
    const comments = new Map(readSharedJson<WomComment[]>(...FOLDER, 'comment.json').map((c) => [c.id, c.text]));
    const overview = readSharedJson<WomOverview>(...FOLDER, 'overview.json');

    const statementIndex = new Map(statements.map((s, i) => [s.id, i]));
    const partyIndex = new Map(parties.map((p, i) => [p.id, i]));
    slugs = parties.map((p) => slugify(p.name));
    partyAnswer = parties.map(() => statements.map(() => undefined));
    const answers = parties.map(() => ({}) as Record<string, { value: number; justification?: string }>);
    const toValue = (code: number) => (code === AGREE ? 3 : code === NEUTRAL ? 2 : 1);
    for (const o of opinions) {
      const p = partyIndex.get(o.party)!;
      const s = statementIndex.get(o.statement)!;
      if (![AGREE, DISAGREE, NEUTRAL].includes(o.answer)) continue;
      partyAnswer[p]![s] = o.answer;
      const why = justification(comments.get(o.comment));
      answers[p]![statementId(s)] = why === undefined ? { value: toValue(o.answer) } : { value: toValue(o.answer), justification: why };
    }

    const input = {
      format: 'concordo.election/1',
      election: {
        slug: ELECTION,
        name: { en: `${overview.title} ${overview.date.slice(0, 4)} (Wahl-O-Mat)` },
        date: overview.date,
        country: 'DE',
        scale: 3,
        minAnswers: 5,
      },
      topics: [{ slug: 'wahl-o-mat', name: 'Wahl-O-Mat' }],
      statements: statements.map((s, i) => ({ id: statementId(i), topic: 'wahl-o-mat', text: s.text, context: s.label })),
      races: [{ slug: 'bundestag', office: 'Bundestag', district: 'Deutschland' }],
      parties: parties.map((p, i) => ({
        slug: slugs[i]!,
        abbreviation: p.name.length <= 30 ? p.name : (p.name.split(' - ').at(-1) ?? p.name).slice(0, 30),
        name: p.longname.slice(0, 200),
      })),
      candidates: parties.map((p, i) => ({
        id: slugs[i]!,
        name: p.longname.slice(0, 200),
        ballotName: p.name.slice(0, 200),
        party: slugs[i]!,
        race: 'bundestag',
        answers: answers[i]!,
      })),
    };
    const validation = validatePackage(input);
    if (!validation.ok) throw new Error(`package rejected: ${JSON.stringify(validation.errors.slice(0, 5))}`);
    pkg = validation.value;

    ctx = await createTestContext();
    const outcome = await writePackage(ctx, { pkg, actor: 'test' });
    expect(outcome.ok).toBe(true);
  });
  afterAll(() => ctx?.close());

  it('turns the data into a valid package', () => {
    expect(statements.length).toBe(38);
    expect(parties.length).toBe(28);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(pkg.candidates.every((c) => Object.keys(c.answers ?? {}).length === statements.length)).toBe(true);
  });

  it(`scores ${PROFILES} seeded voter profiles over the API exactly as the points rule`, async () => {
    const random = xorshift(20250223);
    let comparisons = 0;
    let rankChecks = 0;
    let requests = 0;
    let sharedRanks = 0;
    for (let profile = 0; profile < PROFILES; profile += 1) {
      // The voter: answer 1/2/3 or skip (~15 %); weight mostly 1, some 2, a few 0.
      let values: number[];
      let weights: number[];
      do {
        values = statements.map(() => (random() < 0.15 ? 0 : 1 + Math.floor(random() * 3)));
        weights = statements.map(() => {
          const r = random();
          return r < 0.06 ? 0 : r < 0.26 ? 2 : 1;
        });
      } while (values.filter((v, s) => v > 0 && weights[s]! > 0).length < 5);

      // Skipped statements are sent as null or left out; weight 1 is sent or left to the default.
      const answers: Record<string, number | null> = {};
      const weightBody: Record<string, number> = {};
      values.forEach((v, s) => {
        if (v > 0) answers[statementId(s)] = v;
        else if (profile % 2 === 0) answers[statementId(s)] = null;
        if (weights[s] !== 1 || profile % 3 === 0) weightBody[statementId(s)] = weights[s]!;
      });

      // Expected, from the Wahl-O-Mat codes: the voter's 3 = agree, 1 = disagree, 2 = neutral.
      const voterCode = (v: number) => (v === 3 ? AGREE : v === 1 ? DISAGREE : NEUTRAL);
      let weightSum = 0;
      let counted = 0;
      const points = parties.map(() => 0);
      values.forEach((v, s) => {
        const w = weights[s]!;
        if (v === 0 || w === 0) return;
        counted += 1;
        weightSum += w;
        const mine = voterCode(v);
        parties.forEach((_, p) => {
          const theirs = partyAnswer[p]![s]!;
          const pts = mine === theirs ? 2 : mine === NEUTRAL || theirs === NEUTRAL ? 1 : 0;
          points[p]! += w * pts;
        });
      });

      const response = await request(ctx.app)
        .post(`/api/v1/elections/${ELECTION}/match`)
        .send({ answers, weights: weightBody });
      requests += 1;
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const body = response.body as {
        race: string;
        method: string;
        missing: string;
        counted: number;
        results: Array<{ candidate: string; party: string | null; score: number; percent: number; rank: number; topics: Record<string, number | null> }>;
        unranked: string[];
      };
      expect(body.race).toBe('bundestag');
      expect(body.method).toBe('cityblock');
      expect(body.missing).toBe('penalty');
      expect(body.counted).toBe(counted);
      expect(body.unranked).toEqual([]);
      expect(body.results).toHaveLength(parties.length);

      const byCandidate = new Map(body.results.map((r) => [r.candidate, r]));
      parties.forEach((_, p) => {
        const result = byCandidate.get(slugs[p]!);
        expect(result, slugs[p]).toBeDefined();
        const expected = (100 * points[p]!) / (2 * weightSum);
        expect(result!.party).toBe(slugs[p]);
        expect(result!.score, `${slugs[p]} in profile ${profile}`).toBeCloseTo(expected, 9);
        expect(result!.topics['wahl-o-mat']).toBeCloseTo(expected, 9);
        // round half up, in integers: floor((100·points + Σw) / (2·Σw)).
        expect(result!.percent).toBe(Math.floor((100 * points[p]! + weightSum) / (2 * weightSum)));
        // Equal points share a rank: 1 + the number of parties with more points.
        expect(result!.rank, `rank of ${slugs[p]} in profile ${profile}`).toBe(1 + points.filter((q) => q > points[p]!).length);
        comparisons += 1;
        rankChecks += 1;
        if (points.filter((q) => q === points[p]!).length > 1) sharedRanks += 1;
      });
      // Results come best first.
      for (let i = 1; i < body.results.length; i += 1) {
        expect(body.results[i]!.rank).toBeGreaterThanOrEqual(body.results[i - 1]!.rank);
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `Wahl-O-Mat BTW 2025: ${requests} profiles matched over the API, ${comparisons} party scores and ${rankChecks} ranks ` +
        `equal to the points rule (${parties.length} parties, ${statements.length} statements; ${sharedRanks} results share their rank)`,
    );
    expect(comparisons).toBe(PROFILES * parties.length);
  });
});
