import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/domain/fairness.js';
import { exportElectionPackage } from '../../src/services/election-packages.js';
import { LARGEST_RACE, planRaces } from '../../src/services/generate.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';

describe('the synthetic election plan', () => {
  const sizes = (candidates: number, seed = 1) => planRaces({ candidates, random: seededRandom(seed) }).map((race) => race.size);

  it('shapes a national election: 5,000+ races of 2 to 2,000, most small, one of exactly 2,000', () => {
    const plan = planRaces({ candidates: 500_000, random: seededRandom(2028) });
    const all = plan.map((race) => race.size);
    expect(all.reduce((a, b) => a + b, 0)).toBe(500_000);
    expect(plan.length).toBeGreaterThanOrEqual(5_000);
    expect(Math.min(...all)).toBe(2);
    expect(all.filter((size) => size === LARGEST_RACE)).toHaveLength(1);
    expect(Math.max(...all)).toBe(LARGEST_RACE);
    // Most races are small (every mayoral race and many councils), a few are large.
    const sorted = [...all].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(50);
    expect(all.filter((size) => size >= 500).length).toBeGreaterThan(10);
    expect(plan.filter((race) => race.office === 'prefeito').every((race) => race.size >= 2 && race.size <= 8)).toBe(true);
  });

  it('places exactly the candidates asked for, in races of 2 to 2,000, for any total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 200_000 }), fc.integer(), (candidates, seed) => {
        const all = sizes(candidates, seed);
        expect(all.reduce((a, b) => a + b, 0)).toBe(candidates);
        expect(all.every((size) => size >= 2 && size <= LARGEST_RACE)).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(() => sizes(3)).toThrow(RangeError);
  });
});

describe('concordo generate', () => {
  let ctx: TestContext;
  const run = (...argv: string[]) => commandLine(ctx.config.databaseUrl)(...argv);
  let generated: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    ctx = await createTestContext();
    generated = await run('generate', '--candidates', '2500', '--statements', '12', '--slug', 'synthetic', '--seed', '7');
  }, 60_000);
  afterAll(() => ctx.close());

  it('writes every candidate, published, with an answer to every statement, and says how long it took', async () => {
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stderr).toContain('Generating: 2,500 of 2,500 candidates, 30,000 answers');
    expect(generated.stdout).toMatch(
      /^Generated “synthetic”: 54 races of 2 to 2,000 candidates \(largest: m01-vereador\), 30 parties, 5 topics, 12 statements, 2,500 candidates, 30,000 answers, in [\d.]+ s; peak memory [\d,]+ MiB\.\n$/,
    );
    const count = async (table: 'candidates' | 'answers' | 'races' | 'statements') =>
      Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('candidates')).toBe(2500);
    expect(await count('answers')).toBe(2500 * 12);
    expect(await count('statements')).toBe(12);
    const unpublished = await ctx.db.selectFrom('candidates').select('key').where('status', '!=', 'published').execute();
    expect(unpublished).toEqual([]);
    const blank = await ctx.db.selectFrom('answers').select('id').where('value', 'is', null).execute();
    expect(blank).toEqual([]);
    expect((await run('verify')).code).toBe(0);
  });

  it('gives voters a 2,000-candidate race to match against', async () => {
    const answers = Object.fromEntries(Array.from({ length: 12 }, (_, s) => [`s${String(s + 1).padStart(2, '0')}`, 1 + (s % 5)]));
    const res = await request(ctx.app).post('/api/v1/elections/synthetic/match').send({ race: 'm01-vereador', answers });
    expect(res.status, res.text).toBe(200);
    expect(res.body.results).toHaveLength(2000);
    expect(res.body.unranked).toEqual([]);
    const page = await request(ctx.app).get(`/e/synthetic/results?race=m01-prefeito&a=${'3'.repeat(12)}`);
    expect(page.status).toBe(200);
  });

  it('gives the same election for the same seed', async () => {
    expect((await run('generate', '--candidates', '2500', '--statements', '12', '--slug', 'synthetic-again', '--seed', '7')).code).toBe(0);
    const [first, again] = await Promise.all(['synthetic', 'synthetic-again'].map((slug) => exportElectionPackage(ctx, slug)));
    expect({ ...again!, election: { ...again!.election, slug: 'synthetic' } }).toEqual(first);
  });

  it('explains what it cannot do', async () => {
    const exists = await run('generate', '--candidates', '10', '--slug', 'synthetic');
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('An election with the id “synthetic” exists already; choose another --slug.');
    const missing = await run('generate');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing argument: --candidates <number>.');
    const tooFew = await run('generate', '--candidates', '3');
    expect(tooFew.code).toBe(2);
    expect(tooFew.stderr).toContain('--candidates must be a whole number from 4 to 5,000,000 (got “3”).');
    expect((await run('generate', '--candidates', '10', '--statements', 'many')).stderr).toContain('--statements must be a whole number from 1 to 200');
    expect((await run('generate', '--candidates', '10', '--slug', 'Não')).stderr).toContain('--slug must be lowercase letters, digits and hyphens (got “Não”).');
    expect((await run('generate', '--candidates', '10', '--bogus')).stderr).toContain('Unknown option “--bogus”.');
  });
});
