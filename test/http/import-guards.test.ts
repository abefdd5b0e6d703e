import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { pino } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { BackgroundTasks } from '../../src/services/background.js';
import { createDb } from '../../src/db/client.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { writePackage } from '../../src/services/election-packages.js';
import { startRosterJob } from '../../src/services/roster-jobs.js';
import { csrfOf, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, tempDir, type TestContext } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { dumpTables } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Imports that must not go astray (issue 20): the import page of one election
 * imports into that election only, and roster imports into one election run
 * one at a time, whether started from the import page or the command line.
 */

const errorsOf = (res: request.Response) => {
  const $ = cheerio.load(res.text);
  return $('#form-errors li').map((_, li) => $(li).text()).get();
};

/** Background work as usual, but for roster imports, which the test runs when it chooses. */
class HeldTasks extends BackgroundTasks {
  constructor(private readonly into: Array<() => Promise<void>>) {
    super(pino({ level: 'silent' }));
  }
  override run(name: string, work: () => Promise<void>, after?: Promise<unknown>): void {
    if (name === 'roster import') this.into.push(work);
    else super.run(name, work, after);
  }
}

describe('a package uploaded on another election’s import page', () => {
  let ctx: TestContext;
  let admin: TestAgent;
  /** Election Y, whose page the organizer is on; the package is for election X. */
  const y = 'vila-pequena-2028';
  const x = 'vila-grande-2028';

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'org@example.org');
  });
  afterEach(() => ctx.close());

  const upload = async (slug: string, text: string) => {
    const token = csrfOf(await admin.get(`/admin/e/${slug}/import`));
    return admin.post(`/admin/e/${slug}/import/package?_csrf=${encodeURIComponent(token)}&lang=en`).attach('file', Buffer.from(text), 'package.json');
  };
  /** The small fixture made election X's, its parts in the order given and its first topic renamed. */
  const packageForX = (input: { order: string[]; firstTopic: string }) => {
    const pkg = loadFixture('small-election.json') as unknown as Record<string, unknown>;
    (pkg.election as { slug: string }).slug = x;
    const topics = pkg.topics as Array<{ slug: string }>;
    const statements = pkg.statements as Array<{ topic: string }>;
    for (const s of statements) if (s.topic === topics[0]!.slug) s.topic = input.firstTopic;
    topics[0]!.slug = input.firstTopic;
    return JSON.stringify(Object.fromEntries(input.order.map((key) => [key, pkg[key]])));
  };
  const order = ['format', 'topics', 'statements', 'races', 'parties', 'candidates', 'election'];

  it('is refused, naming the package’s election, when the first "slug" of the text is a topic’s', async () => {
    // The first "slug" in the file is a topic's, and it is this page's election's slug.
    const text = packageForX({ order, firstTopic: y });
    expect(/"slug"\s*:\s*"([^"]*)"/.exec(text)?.[1]).toBe(y);
    const before = await dumpTables(ctx.db);
    const res = await upload(y, text);
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([`This package is for the election “${x}”, not this one.`]);
    const after = await dumpTables(ctx.db);
    expect(after.elections).toEqual(before.elections);
    expect(after.candidates).toEqual(before.candidates);
  });

  it('is refused when its "slug" keys are written with an escape, so that the text shows none', async () => {
    // `"\u0073lug"` is the key "slug" to a JSON reader, but not to a search of the text.
    const pkg = loadFixture('small-election.json');
    pkg.election.slug = x;
    const text = JSON.stringify(pkg).replaceAll('"slug":', '"\\u0073lug":');
    expect(JSON.parse(text)).toEqual(pkg);
    expect(text).not.toContain('"slug"');
    const res = await upload(y, text);
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([`This package is for the election “${x}”, not this one.`]);
    expect(await ctx.db.selectFrom('elections').select('slug').orderBy('slug').execute()).toEqual([{ slug: y }]);
  });

  it('is imported on its own election’s page, whatever the order of its parts', async () => {
    const created = await writePackage(ctx, { pkg: { ...loadFixture('small-election.json'), election: { ...loadFixture('small-election.json').election, slug: x } }, actor: 'test' });
    expect(created.ok).toBe(true);
    const res = await upload(x, packageForX({ order, firstTopic: y }));
    expect(res.status, errorsOf(res).join('\n')).toBe(303);
    const topics = await ctx.db.selectFrom('topics').innerJoin('elections', 'elections.id', 'topics.election_id').select('topics.slug').where('elections.slug', '=', x).orderBy('topics.position').execute();
    expect(topics.map((t) => t.slug)).toEqual([y, 'contas']);
  });
});

describe('roster imports into one election', () => {
  let ctx: TestContext;
  let admin: TestAgent;
  /** Roster imports the app started, waiting for the test to run them, as if they took a while. */
  let held: Array<() => Promise<void>>;
  let app: ReturnType<typeof createApp>;
  let temp: ReturnType<typeof tempDir>;
  const e = 'vila-pequena-2028';
  const roster = (id: string, name: string) =>
    Buffer.from(
      [
        'SQ_CANDIDATO;NM_CANDIDATO;NM_URNA_CANDIDATO;NR_CANDIDATO;SG_UF;SG_UE;NM_UE;CD_CARGO;DS_CARGO;SG_PARTIDO;NR_PARTIDO;NM_PARTIDO',
        `${id};${name};${name};71003;AC;01554;VILA PEQUENA;13;VEREADOR;PA;71;PARTIDO DA ARVORE`,
      ].join('\r\n'),
      'latin1',
    );

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    held = [];
    app = createApp({ config: ctx.config, db: ctx.db, clock: ctx.clock, logger: pino({ level: 'silent' }), random: seededRandom(7), secret: 'test-secret-of-at-least-32-characters!', background: new HeldTasks(held) });
    admin = request.agent(app);
    await signedInAdmin({ ...ctx, app }, admin, 'org@example.org');
    temp = tempDir();
  });
  afterEach(async () => {
    temp.remove();
    await ctx.close();
  });

  const upload = async (content: Buffer, lang = 'en') => {
    const token = csrfOf(await admin.get(`/admin/e/${e}/import`));
    return admin.post(`/admin/e/${e}/import/tse?_csrf=${encodeURIComponent(token)}&lang=${lang}`).attach('file', content, 'consulta_cand_2028_AC.csv');
  };
  const runHeld = async () => {
    for (const task of held.splice(0)) await task();
  };
  /** The candidates the rosters above brought. */
  const candidates = async () => (await ctx.db.selectFrom('candidates').select('name').where('official_id', 'in', ['2001', '2002', '2003']).orderBy('name').execute()).map((c) => c.name);
  const jobs = async () => (await ctx.db.selectFrom('import_jobs').select(['actor', 'status']).orderBy('created_at').orderBy('id').execute()).map((j) => `${j.actor} ${j.status}`);

  it('refuse a second while one runs, with a 409 and a message on the import page; after the first finishes, a new one is accepted', async () => {
    const first = await upload(roster('2001', 'ELISA MOURA'));
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/admin\/jobs\/[0-9a-f-]{36}$/);

    const second = await upload(roster('2002', 'FABIO REIS'));
    expect(second.status).toBe(409);
    expect(cheerio.load(second.text)('h1').text()).toBe('Import and export');
    expect(errorsOf(second)).toEqual(['A roster import into this election is already running (started by org@example.org). Nothing was imported: send the file again once it has finished.']);
    expect(errorsOf(await upload(roster('2002', 'FABIO REIS'), 'pt-BR'))).toEqual([
      'Já há uma importação de candidaturas em andamento nesta eleição (iniciada por org@example.org). Nada foi importado: envie o arquivo de novo quando ela terminar.',
    ]);
    expect(errorsOf(await upload(roster('2002', 'FABIO REIS'), 'es'))).toEqual([
      'Ya hay una importación de candidaturas en curso en esta elección (iniciada por org@example.org). No se importó nada: envíe el archivo de nuevo cuando haya terminado.',
    ]);
    // The command line waits its turn too.
    const file = path.join(temp.dir, 'consulta_cand_2028_AC.csv');
    writeFileSync(file, roster('2003', 'GIL SOUZA'));
    const cli = await commandLine(ctx.config.databaseUrl)('import-tse', file, '--election', e);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toBe(`A roster import into “${e}” is already running (started by org@example.org at 2028-09-01T12:00:00.000Z). Nothing was imported: try again once it has finished.\n`);
    expect(held).toHaveLength(1);
    expect(await jobs()).toEqual(['org@example.org running']);

    await runHeld();
    expect(await candidates()).toEqual(['Elisa Moura']);
    const page = cheerio.load((await admin.get(`${first.headers.location}?lang=en`)).text);
    expect(page('main').text()).toContain('Done');

    expect((await upload(roster('2002', 'FABIO REIS'))).status).toBe(303);
    await runHeld();
    expect((await commandLine(ctx.config.databaseUrl)('import-tse', file, '--election', e)).code).toBe(0);
    expect(await candidates()).toEqual(['Elisa Moura', 'Fabio Reis', 'Gil Souza']);
    expect((await jobs()).sort()).toEqual(['cli done', 'org@example.org done', 'org@example.org done']);
  });

  it('count a job with no sign of life for five minutes as interrupted: a new one starts, and the old one stops', async () => {
    const stuck = await upload(roster('2001', 'ELISA MOURA'));
    expect(stuck.status).toBe(303);
    ctx.clock.set('2028-09-01T12:05:00.000Z');
    expect((await upload(roster('2002', 'FABIO REIS'))).status).toBe(409);
    ctx.clock.set('2028-09-01T12:05:00.001Z');
    const next = await upload(roster('2002', 'FABIO REIS'));
    expect(next.status).toBe(303);
    expect(cheerio.load((await admin.get(`${stuck.headers.location}?lang=en`)).text)('main').text()).toContain('Interrupted');

    // The stuck import wakes up after all: it stops before writing, and stays interrupted; the new one runs.
    await runHeld();
    expect(await candidates()).toEqual(['Fabio Reis']);
    expect(await jobs()).toEqual(['org@example.org failed', 'org@example.org done']);
    expect(cheerio.load((await admin.get(`${stuck.headers.location}?lang=en`)).text)('main').text()).toContain('Interrupted');
  });

  it('started by two processes at the same moment, only one runs', async () => {
    const elsewhere = createDb(ctx.config.databaseUrl);
    try {
      const id = (await ctx.db.selectFrom('elections').select('id').where('slug', '=', e).executeTakeFirstOrThrow()).id;
      const outcomes = await Promise.all([
        startRosterJob({ db: ctx.db, clock: ctx.clock }, { electionId: id, actor: 'a' }),
        startRosterJob({ db: elsewhere, clock: ctx.clock }, { electionId: id, actor: 'b' }),
        startRosterJob({ db: elsewhere, clock: ctx.clock }, { electionId: id, actor: 'c' }),
      ]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      const winner = (await jobs()).map((j) => j.split(' ')[0]);
      expect(winner).toHaveLength(1);
      for (const outcome of outcomes) if (!outcome.ok) expect(outcome.running.actor).toBe(winner[0]);
    } finally {
      await elsewhere.destroy();
    }
  });
});
