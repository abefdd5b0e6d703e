import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { importRoster } from '../../src/services/tse-import.js';
import { acceptInvitation, inviteLink } from '../helpers/accounts.js';
import { createTestContext, tempDir, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The candidate's profile form (GET/POST /candidate/profile) shows every value
 * stored for the candidate, whoever wrote it (an election package, the
 * electoral court's roster, an earlier save), and saving it unchanged changes
 * nothing at all.
 */
describe('the candidate’s profile form', () => {
  const election = 'vila-pequena-2028';
  let ctx: TestContext;
  let temp: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    temp = tempDir();
    const pkg = loadFixture('small-election.json');
    // carla declared everything through the organizers' package, some of it beyond what the form offers.
    pkg.candidates.find((c) => c.id === 'carla')!.profile = {
      gender: 'mulher trans',
      raceColor: 'parda (afroindígena)',
      lgbt: true,
      collective: true,
      bio: 'Professora.\nMilitante do bairro.',
      links: ['https://example.org/carla', 'http://example.org/carla-blog'],
      photoUrl: 'https://example.org/carla.jpg',
    };
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    // elisa comes from the electoral court's roster, with the court's gender and race/colour.
    const roster = path.join(temp.dir, 'consulta_cand_2028_AC.csv');
    const lines = [
      'SQ_CANDIDATO;NM_CANDIDATO;NM_URNA_CANDIDATO;NR_CANDIDATO;SG_UF;SG_UE;NM_UE;CD_CARGO;DS_CARGO;SG_PARTIDO;NR_PARTIDO;NM_PARTIDO;DS_GENERO;DS_COR_RACA',
      '"250001";"ELISA MOURA";"ELISA";"71003";"AC";"01554";"VILA PEQUENA";"13";"VEREADOR";"PA";"71";"PARTIDO DA ARVORE";"FEMININO";"PRETA"',
    ];
    writeFileSync(roster, Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'));
    const imported = await importRoster(ctx, { election, file: roster, actor: 'test' });
    expect(imported.ok).toBe(true);
  });
  afterEach(async () => {
    await ctx.close();
    temp.remove();
  });

  const signedIn = async (key: string): Promise<TestAgent> => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, key), `${key}@example.org`);
    return agent;
  };
  const row = (key: string) => ctx.db.selectFrom('candidates').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
  const raceVersion = async (key: string) =>
    (
      await ctx.db
        .selectFrom('races')
        .innerJoin('candidates', 'candidates.race_id', 'races.id')
        .select('races.answers_version')
        .where('candidates.key', '=', key)
        .executeTakeFirstOrThrow()
    ).answers_version;

  /** The form's fields as a browser sends them: text areas with CRLF line ends, each select's chosen option. */
  function formFields($: cheerio.CheerioAPI): Record<string, string> {
    const fields: Record<string, string> = {};
    const form = $('form[action^="/candidate/profile"]');
    form.find('input[name]').each((_, el) => void (fields[$(el).attr('name')!] = $(el).attr('value') ?? ''));
    form.find('textarea[name]').each((_, el) => void (fields[$(el).attr('name')!] = $(el).text().replace(/\r?\n/g, '\r\n')));
    form.find('select[name]').each((_, el) => {
      const chosen = $(el).find('option[selected]');
      fields[$(el).attr('name')!] = (chosen.length > 0 ? chosen : $(el).find('option').first()).attr('value') ?? '';
    });
    return fields;
  }

  it('shows every value a package declared and saving it unchanged changes nothing', async () => {
    const agent = await signedIn('carla');
    const before = await row('carla');
    const version = await raceVersion('carla');

    const $ = cheerio.load((await agent.get('/candidate/profile?lang=en')).text);
    expect($('#bio').text()).toBe('Professora.\nMilitante do bairro.');
    expect($('#links').text()).toBe('https://example.org/carla\nhttp://example.org/carla-blog');
    expect($('#photoUrl').attr('value')).toBe('https://example.org/carla.jpg');
    expect($('#gender').attr('value')).toBe('mulher trans');
    // A race/colour the select does not list is still there, chosen.
    expect($('#raceColor option[selected]').attr('value')).toBe('parda (afroindígena)');
    expect($('#raceColor option').map((_, o) => $(o).attr('value')).get()).toContain('parda');
    expect($('#lgbt option[selected]').attr('value')).toBe('yes');
    expect($('#collective option[selected]').attr('value')).toBe('yes');

    const saved = await agent.post('/candidate/profile').type('form').send(formFields($));
    expect(saved.status, saved.text).toBe(303);
    expect(await row('carla')).toEqual(before);
    expect(await raceVersion('carla')).toBe(version);
  });

  it('shows the court’s values, keeps them the court’s when left as they are, and makes a change the candidate’s own', async () => {
    const agent = await signedIn('250001');
    const before = await row('250001');
    expect(before).toMatchObject({ gender: 'feminino', gender_source: 'court', race_color: 'preta', race_color_source: 'court' });
    const version = await raceVersion('250001');

    const $ = cheerio.load((await agent.get('/candidate/profile?lang=en')).text);
    expect($('#gender').attr('value')).toBe('feminino');
    expect($('#raceColor option[selected]').attr('value')).toBe('preta');
    expect($('#gender-court').text()).toContain('feminino');
    expect($('#lgbt option[selected]').attr('value') ?? '').toBe('');

    const unchanged = await agent.post('/candidate/profile').type('form').send(formFields($));
    expect(unchanged.status).toBe(303);
    expect(await row('250001')).toEqual(before);
    expect(await raceVersion('250001')).toBe(version);
    // The public page still says where the values come from.
    const page = cheerio.load((await request(ctx.app).get(`/e/${election}/candidates/250001?lang=en`)).text);
    expect(page('.profile dd').text()).toContain('feminino (according to the electoral court)');

    // Declaring another gender makes it the candidate's own; the race/colour left as it was stays the court's.
    const changed = await agent.post('/candidate/profile').type('form').send({ ...formFields($), gender: 'mulher cis' });
    expect(changed.status).toBe(303);
    expect(await row('250001')).toMatchObject({ gender: 'mulher cis', gender_source: 'self', race_color: 'preta', race_color_source: 'court' });
    expect(await raceVersion('250001')).toBe(version + 1);
  });

  it('refuses a race/colour that is neither offered nor the stored one, writing nothing', async () => {
    const agent = await signedIn('carla');
    const before = await row('carla');
    const $ = cheerio.load((await agent.get('/candidate/profile')).text);
    const res = await agent.post('/candidate/profile').type('form').send({ ...formFields($), raceColor: 'qualquer coisa' });
    expect(res.status).toBe(400);
    expect(await row('carla')).toEqual(before);
  });
});
