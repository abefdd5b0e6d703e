import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { writePackage } from '../../src/services/election-packages.js';
import { importRoster, type RosterSummary } from '../../src/services/tse-import.js';
import { RosterFileError } from '../../src/formats/tse-roster.js';
import { fixedClock, tempDir } from '../helpers/app.js';
import { hasSharedData, sharedDataPath } from '../helpers/shared-data.js';

const available = hasSharedData('tse');
if (!available) {
  // eslint-disable-next-line no-console
  console.warn('Skipping the electoral-court roster tests on real files: ../shared/data/tse is absent');
}

/** The file's rows as header → value maps, read independently of the importer (ISO-8859-1, `;`, quotes). */
function readIndependently(file: string): Array<Record<string, string>> {
  const text = readFileSync(file).toString('latin1').replace(/\r\n/g, '\n').trim();
  const split = (line: string) => line.split(';').map((cell) => cell.replace(/^"|"$/g, ''));
  const [header, ...lines] = text.split('\n');
  const names = split(header!);
  return lines.map((line) => Object.fromEntries(split(line).map((value, i) => [names[i]!, value])));
}

const isBlank = (v: string | undefined) => v === undefined || v === '' || v === '#NULO#' || v === '#NULO' || v === '#NE' || /^-\d+$/.test(v);

/** Rewrites a roster with its columns in another order and some optional ones left out. */
function shuffledCopy(source: string, target: string, drop: string[]) {
  const rows = readIndependently(source);
  const names = Object.keys(rows[0]!).filter((n) => !drop.includes(n)).reverse();
  const quote = (v: string) => `"${v}"`;
  const lines = [names.map(quote).join(';'), ...rows.map((row) => names.map((n) => quote(row[n]!)).join(';'))];
  writeFileSync(target, Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
}

describe('electoral-court roster import', () => {
  let temp: ReturnType<typeof tempDir>;
  let db: Db;
  const clock = fixedClock();
  const importFile = async (file: string, election = 'court-test') => {
    const outcome = await importRoster({ db, clock }, { election, file, actor: 'test' });
    if (!outcome.ok) throw new Error(outcome.problem);
    return outcome.summary;
  };
  const counts = async () => ({
    races: Number((await db.selectFrom('races').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    parties: Number((await db.selectFrom('parties').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    candidates: Number((await db.selectFrom('candidates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    elected: Number((await db.selectFrom('candidates').select((eb) => eb.fn.sum('elected').as('n')).executeTakeFirstOrThrow()).n),
  });

  beforeEach(async () => {
    temp = tempDir();
    db = createDb(`sqlite:${path.join(temp.dir, 'c.db')}`);
    await migrateToLatest(db);
    const pkg = {
      format: 'concordo.election/1' as const,
      election: { slug: 'court-test', name: 'Teste', date: '2024-10-06', country: 'BR', scale: 5, minAnswers: 5 },
      topics: [],
      statements: [],
      races: [],
      parties: [],
      candidates: [],
    };
    expect((await writePackage({ db, clock }, { pkg, actor: 'test' })).ok).toBe(true);
  });
  afterEach(async () => {
    await db.destroy();
    temp.remove();
  });

  describe.skipIf(!available)('on the real files', () => {
    it.each([
      ['consulta_cand_2022_ES.csv', 'state'],
      ['consulta_cand_2024_AC.csv', 'municipal'],
    ])('imports %s (%s): races, parties and candidates as counted independently, and a re-import changes nothing', async (name) => {
      const file = sharedDataPath('tse', name);
      const rows = readIndependently(file);
      const expected = {
        races: new Set(rows.map((r) => `${r.SG_UE}:${r.CD_CARGO}`)).size,
        parties: new Set(rows.map((r) => r.SG_PARTIDO).filter((v) => !isBlank(v))).size,
        // A runoff candidate has a row per round: candidates are distinct SQ_CANDIDATO.
        candidates: new Set(rows.map((r) => r.SQ_CANDIDATO)).size,
        elected: new Set(rows.filter((r) => /^ELEITO/.test(r.DS_SIT_TOT_TURNO ?? '')).map((r) => r.SQ_CANDIDATO)).size,
      };
      const first = await importFile(file);
      expect(first).toMatchObject({ rows: rows.length, created: expected.candidates, rejected: 0, racesCreated: expected.races, partiesCreated: expected.parties });
      expect(await counts()).toEqual(expected);

      const again = await importFile(file);
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: rows.length, racesCreated: 0, partiesCreated: 0 });
      expect(await counts()).toEqual(expected);
    });

    it('names municipal races by office and municipality, with the state', async () => {
      await importFile(sharedDataPath('tse', 'consulta_cand_2024_AC.csv'));
      const race = await db.selectFrom('races').select(['slug', 'office', 'district']).where('slug', '=', 'vereador-manoel-urbano-ac').executeTakeFirstOrThrow();
      expect(race).toEqual({ slug: 'vereador-manoel-urbano-ac', office: '"Vereador"', district: '"Manoel Urbano (AC)"' });
      const candidate = await db
        .selectFrom('candidates')
        .select(['key', 'name', 'ballot_name', 'ballot_number', 'gender', 'gender_source', 'race_color', 'email'])
        .where('official_id', '=', '10002033394')
        .executeTakeFirstOrThrow();
      // "#NULO" and "-4" are blanks; gender and race/colour are the court's, marked as such.
      expect(candidate).toEqual({
        key: '10002033394',
        name: 'Raimunda Maciel de Freitas',
        ballot_name: 'Dinha Maciel',
        ballot_number: '11888',
        gender: 'feminino',
        gender_source: 'court',
        race_color: 'parda',
        email: null,
      });
    });

    it('imports the same from a file with shuffled columns and optional ones missing', async () => {
      const source = sharedDataPath('tse', 'consulta_cand_2024_AC.csv');
      const shuffled = path.join(temp.dir, 'shuffled.csv');
      shuffledCopy(source, shuffled, ['DT_GERACAO', 'HH_GERACAO', 'NM_SOCIAL_CANDIDATO', 'DS_EMAIL', 'DS_OCUPACAO', 'NR_FEDERACAO']);
      const fromShuffled = await importFile(shuffled);
      const before = await counts();
      const fromOriginal = await importFile(source);
      expect(fromOriginal).toMatchObject({ created: 0, updated: 0 } satisfies Partial<RosterSummary>);
      expect(await counts()).toEqual(before);
      expect(fromShuffled.created).toBe(before.candidates);
    });
  });

  const write = (name: string, lines: string[], eol = '\r\n') => {
    const file = path.join(temp.dir, name);
    writeFileSync(file, Buffer.from(lines.join(eol) + eol, 'latin1'));
    return file;
  };
  const header = 'SQ_CANDIDATO;NM_CANDIDATO;NM_URNA_CANDIDATO;NR_CANDIDATO;SG_UF;SG_UE;NM_UE;CD_CARGO;DS_CARGO;SG_PARTIDO;NR_PARTIDO;NM_PARTIDO;DS_SIT_TOT_TURNO';

  it('rejects a malformed file naming the line, and writes nothing', async () => {
    const file = write('broken.csv', [
      header,
      '1001;ANA SOUZA;ANA;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;ELEITO',
      '1002;"BRUNO LIMA;BRUNO;11002;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;SUPLENTE',
    ]);
    await expect(importFile(file)).rejects.toMatchObject({ code: 'malformed', line: 3 });
    expect((await counts()).candidates).toBe(0);
    const short = write('short.csv', [header, '1001;ANA SOUZA;ANA;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;ELEITO', '1002;BRUNO LIMA;BRUNO']);
    await expect(importFile(short)).rejects.toBeInstanceOf(RosterFileError);
    await expect(importFile(short)).rejects.toMatchObject({ code: 'malformed', line: 3 });
    const noColumns = write('no-columns.csv', ['NOME;CARGO', 'ANA;VEREADOR']);
    await expect(importFile(noColumns)).rejects.toMatchObject({ code: 'missing_columns', line: 1, params: { columns: 'SQ_CANDIDATO, NM_CANDIDATO, SG_UE | NM_UE, CD_CARGO | DS_CARGO' } });
    expect((await counts()).candidates).toBe(0);
  });

  it('reads unquoted LF files, rejects unusable rows with reasons, and updates what changed', async () => {
    const file = write(
      'roster.csv',
      [
        header,
        '1001;ANA SOUZA;ANA;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#',
        '#NULO#;SEM NÚMERO;X;11003;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#',
        '1001;ANA SOUZA;ANA;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#',
        '1004;;X;11004;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#',
        '1005;CARLA DIAS;CARLA;;AC;01554;MANOEL URBANO;13;VEREADOR;#NULO;-1;#NULO;#NULO#',
      ],
      '\n',
    );
    const first = await importFile(file);
    expect(first).toMatchObject({ rows: 5, created: 2, rejected: 3 });
    expect(first.rejections).toEqual([
      { line: 3, reason: 'no_official_id', params: {} },
      { line: 4, reason: 'duplicate', params: { id: '1001', first: 2 } },
      { line: 5, reason: 'no_name', params: { id: '1004' } },
    ]);
    const carla = await db.selectFrom('candidates').select(['party_id', 'ballot_number']).where('official_id', '=', '1005').executeTakeFirstOrThrow();
    expect(carla).toEqual({ party_id: null, ballot_number: null });

    // The result comes in: Ana is elected. Her self-declared gender is kept over the court's.
    await db.updateTable('candidates').set({ gender: 'mulher trans', gender_source: 'self' }).where('official_id', '=', '1001').execute();
    const results = write('results.csv', [`${header};DS_GENERO`, '1001;ANA SOUZA;ANA;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;ELEITO POR QP;FEMININO']);
    expect(await importFile(results)).toMatchObject({ created: 0, updated: 1 });
    const ana = await db.selectFrom('candidates').select(['elected', 'gender', 'gender_source']).where('official_id', '=', '1001').executeTakeFirstOrThrow();
    expect(ana).toEqual({ elected: 1, gender: 'mulher trans', gender_source: 'self' });
  });

  it('gives a new candidate their court id as key, or the next free one when another candidate has it', async () => {
    const first = write('first.csv', [header, '1001;ANA SOUZA;ANA;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#']);
    expect(await importFile(first)).toMatchObject({ created: 1 });
    // An organizer had given that key and the next one to candidates of their own.
    await db.updateTable('candidates').set({ key: '1002', official_id: null }).where('official_id', '=', '1001').execute();
    expect(await importFile(first)).toMatchObject({ created: 1 });
    await db.updateTable('candidates').set({ key: '1002-2', official_id: null }).where('official_id', '=', '1001').execute();
    const next = write('next.csv', [
      header,
      '1002;BRUNO LIMA;BRUNO;11002;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#',
      '1003;CARLA DIAS;CARLA;11003;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;#NULO#',
    ]);
    expect(await importFile(next)).toMatchObject({ created: 2 });
    const keys = await db.selectFrom('candidates').select(['key', 'official_id']).orderBy('key').execute();
    expect(keys).toEqual([
      { key: '1002', official_id: null },
      { key: '1002-2', official_id: null },
      { key: '1002-3', official_id: '1002' },
      { key: '1003', official_id: '1003' },
    ]);
  });
});
