import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { tempDir } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { fixtureText } from '../helpers/packages.js';

/*
 * The small election (fixtures/small-election.json): statements s1–s4; ana has the official id
 * 990000000101, carla 990000000103; bruno and davi have none.
 */
const VOTES = `vote_id,date,chamber,bill,title,official_id,vote
pl-12,2029-03-10,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,990000000101,yes
pl-12,2029-03-10,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,990000000103,no
pl-12,2029-03-10,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,770000000001,yes
"pl-30",2029-05-02,Câmara Municipal,PL 30/2029,"Sigilo de contratos, por 5 anos",990000000101,ABSTAIN
pl-30,2029-05-02,Câmara Municipal,PL 30/2029,"Sigilo de contratos, por 5 anos",990000000103,absent
pl-30,2029-05-02,Câmara Municipal,PL 30/2029,"Sigilo de contratos, por 5 anos",770000000001,no
pl-30,2029-05-02,Câmara Municipal,PL 30/2029,"Sigilo de contratos, por 5 anos",770000000002,no
`;
const LINKS = `statement_id,vote_id,direction,explanation
s1,pl-12,1,"O projeto obriga a prefeitura a plantar árvores, como diz a afirmação."
s3,pl-30,-1,
`;

describe('concordo import-votes', () => {
  let temp: ReturnType<typeof tempDir>;
  let dbFile: string;
  const file = (name: string, content: string | Buffer) => {
    const target = path.join(temp.dir, name);
    writeFileSync(target, content);
    return target;
  };
  const run = commandLine(() => `sqlite:${dbFile}`);
  /** What the import wrote, without times, in a fixed order. */
  const state = async () => {
    const db: Db = createDb(`sqlite:${dbFile}`);
    try {
      return {
        rollCalls: await db.selectFrom('roll_calls').select(['key', 'date', 'chamber', 'bill', 'title']).orderBy('key').execute(),
        votes: await db
          .selectFrom('roll_call_votes')
          .innerJoin('roll_calls', 'roll_calls.id', 'roll_call_votes.roll_call_id')
          .innerJoin('candidates', 'candidates.id', 'roll_call_votes.candidate_id')
          .select(['roll_calls.key as rollCall', 'candidates.key as candidate', 'roll_call_votes.vote'])
          .orderBy('roll_calls.key')
          .orderBy('candidates.key')
          .execute(),
        links: await db
          .selectFrom('roll_call_links')
          .innerJoin('roll_calls', 'roll_calls.id', 'roll_call_links.roll_call_id')
          .innerJoin('statements', 'statements.id', 'roll_call_links.statement_id')
          .select(['statements.key as statement', 'roll_calls.key as rollCall', 'roll_call_links.direction', 'roll_call_links.explanation'])
          .orderBy('statements.key')
          .execute(),
        audit: await db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'import-votes').execute(),
      };
    } finally {
      await db.destroy();
    }
  };

  beforeEach(async () => {
    temp = tempDir();
    dbFile = path.join(temp.dir, 'concordo.db');
    expect((await run('import', file('election.json', fixtureText('small-election.json')))).code).toBe(0);
  });
  afterEach(() => temp.remove());

  it('imports roll calls, the votes of the election’s candidates and the links, and reports the official ids it could not match', async () => {
    const result = await run('import-votes', file('votes.csv', VOTES), file('links.csv', LINKS), '--election', 'vila-pequena-2028');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Seven rows: four by ana and carla, three by two people who are not candidates here.
    expect(result.stdout).toBe(
      [
        'Imported 2 roll calls (2 new), 4 votes of candidates and 2 links to statements.',
        '2 official ids match no candidate of this election; their 3 rows were skipped:',
        '  770000000001: first on line 4, 2 in all',
        '  770000000002: first on line 8, 1 in all',
        '',
      ].join('\n'),
    );
    expect(await state()).toEqual({
      rollCalls: [
        { key: 'pl-12', date: '2029-03-10', chamber: 'Câmara Municipal', bill: 'PL 12/2029', title: 'Plantio de árvores nas calçadas' },
        { key: 'pl-30', date: '2029-05-02', chamber: 'Câmara Municipal', bill: 'PL 30/2029', title: 'Sigilo de contratos, por 5 anos' },
      ],
      votes: [
        { rollCall: 'pl-12', candidate: 'ana', vote: 'yes' },
        { rollCall: 'pl-12', candidate: 'carla', vote: 'no' },
        { rollCall: 'pl-30', candidate: 'ana', vote: 'abstain' },
        { rollCall: 'pl-30', candidate: 'carla', vote: 'absent' },
      ],
      links: [
        { statement: 's1', rollCall: 'pl-12', direction: 1, explanation: 'O projeto obriga a prefeitura a plantar árvores, como diz a afirmação.' },
        { statement: 's3', rollCall: 'pl-30', direction: -1, explanation: '' },
      ],
      audit: [{ actor: 'cli', action: 'import-votes' }],
    });
  });

  it('gives the same state when the same files are imported again, and keeps an explanation the file leaves empty', async () => {
    const votes = file('votes.csv', VOTES);
    const links = file('links.csv', LINKS);
    expect((await run('import-votes', votes, links, '--election', 'vila-pequena-2028')).code).toBe(0);
    const first = await state();
    const again = await run('import-votes', votes, links, '--election', 'vila-pequena-2028');
    expect(again.stdout).toContain('Imported 2 roll calls (0 new)');
    expect({ ...(await state()), audit: [] }).toEqual({ ...first, audit: [] });

    // A later file can correct a roll call: its votes become exactly the new file's.
    const corrected = VOTES.split('\n').filter((line) => !line.includes('990000000103')).join('\n').replace('990000000101,yes', '990000000101,no');
    const explained = LINKS.replace('s3,pl-30,-1,', 's3,pl-30,-1,"Votar sim mantém contratos em sigilo, o contrário da afirmação."');
    expect((await run('import-votes', file('v2.csv', corrected), file('l2.csv', explained), '--election', 'vila-pequena-2028')).code).toBe(0);
    const after = await state();
    expect(after.votes).toEqual([
      { rollCall: 'pl-12', candidate: 'ana', vote: 'no' },
      { rollCall: 'pl-30', candidate: 'ana', vote: 'abstain' },
    ]);
    expect(after.links[1]!.explanation).toBe('Votar sim mantém contratos em sigilo, o contrário da afirmação.');
    // A links file may name a roll call imported before; roll calls the votes file leaves out keep their votes.
    const onlyTrees = VOTES.split('\n').filter((line) => !line.includes('pl-30')).join('\n');
    const later = await run('import-votes', file('v3.csv', onlyTrees), file('l3.csv', 'statement_id,vote_id,direction,explanation\ns4,pl-30,1,Outra leitura.\n'), '--election', 'vila-pequena-2028');
    expect(later.stdout).toContain('Imported 1 roll calls (0 new), 2 votes of candidates and 1 links to statements.');
    const merged = await state();
    expect(merged.votes.filter((v) => v.rollCall === 'pl-30')).toEqual([{ rollCall: 'pl-30', candidate: 'ana', vote: 'abstain' }]);
    expect(merged.links.map((l) => `${l.statement}/${l.rollCall}`)).toEqual(['s1/pl-12', 's3/pl-30', 's4/pl-30']);
    // An empty explanation in a later file keeps the one the link has.
    expect((await run('import-votes', votes, links, '--election', 'vila-pequena-2028')).code).toBe(0);
    expect((await state()).links[1]!.explanation).toBe('Votar sim mantém contratos em sigilo, o contrário da afirmação.');
  });

  it('refuses files with faults, naming each by file, line and column, and writes nothing', async () => {
    const votes = file(
      'votes.csv',
      `${VOTES}pl-40,2029-02-30,Câmara Municipal,PL 40/2029,Data impossível,990000000101,yes
pl-12,2029-03-11,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,990000000101,no
pl-50,2029-06-01,Câmara Municipal,PL 50/2029,Votação,990000000101,maybe
pl-30,2029-05-02,Câmara Municipal,PL 30/2029,"Sigilo de contratos, por 5 anos",990000000101,no
`,
    );
    const links = file('links.csv', `${LINKS}s9,pl-12,1,Afirmação que não existe.\ns2,pl-99,1,Votação que não existe.\ns4,pl-12,2,\ns1,pl-12,-1,\n`);
    const result = await run('import-votes', votes, links, '--election', 'vila-pequena-2028');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'Import refused: 8 faults in the roll-call files. Nothing was written.',
      `  ${votes}, line 9, date: “2029-02-30” must be a date written YYYY-MM-DD`,
      `  ${votes}, line 10: vote pl-12 has another date, chamber, bill or title than on line 2`,
      `  ${votes}, line 11, vote: “maybe” must be yes, no, abstain or absent`,
      `  ${votes}, line 12, official_id: 990000000101 already has a vote in pl-30, on line 5`,
      `  ${links}, line 6, direction: “2” must be 1 (a yes vote agrees with the statement) or -1 (a yes vote disagrees)`,
      `  ${links}, line 7: statement s1 is already linked to vote pl-12 on line 2`,
      `  ${links}, line 4, statement_id: no statement of this election has the id “s9”`,
      `  ${links}, line 5, vote_id: no vote “pl-99” is in the votes file or already imported`,
    ]);
    expect(await state()).toEqual({ rollCalls: [], votes: [], links: [], audit: [] });
  });

  it('writes nothing when only the links file is at fault', async () => {
    const result = await run('import-votes', file('votes.csv', VOTES), file('links.csv', 'statement_id,vote_id\ns1,pl-12\n'), '--election', 'vila-pequena-2028');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('links.csv, line 1: the columns direction are missing');
    expect((await state()).rollCalls).toEqual([]);
  });

  it('names files that are not UTF-8, malformed or without the right columns', async () => {
    const latin1 = Buffer.concat([Buffer.from(VOTES.split('\n').slice(0, 3).join('\n')), Buffer.from('\npl-13,2029-03-10,Câmara,PL 13,Título,990000000101,yes\n', 'latin1')]);
    const result = await run('import-votes', file('latin1.csv', latin1), file('links.csv', 'statement_id,vote_id,direction,note\n'), '--election', 'vila-pequena-2028');
    expect(result.stderr).toContain('latin1.csv, line 4: the file is not UTF-8 text (the first bad byte is on this line)');
    expect(result.stderr).toContain('links.csv, line 1, note: unknown or repeated column');
    const broken = await run('import-votes', file('broken.csv', `${VOTES}pl-13,"2029-03-10,Câmara\n`), file('empty.csv', ''), '--election', 'vila-pequena-2028');
    expect(broken.stderr).toContain('broken.csv, line 9: the file is malformed (quotes or number of columns)');
    expect(broken.stderr).toContain('empty.csv, line 1: the file is empty: it needs a header row');
    expect((await state()).rollCalls).toEqual([]);
  });

  it('explains bad command lines', async () => {
    const votes = file('votes.csv', VOTES);
    expect(await run('import-votes', votes)).toMatchObject({ code: 2, stderr: expect.stringContaining('Missing argument: <links.csv>.') });
    expect(await run('import-votes', votes, votes)).toMatchObject({ code: 2, stderr: expect.stringContaining('Missing argument: --election <slug>.') });
    expect(await run('import-votes', votes, path.join(temp.dir, 'nope.csv'), '--election', 'x')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('nope.csv: ENOENT'),
    });
    expect(await run('import-votes', votes, file('links.csv', LINKS), '--election', 'nowhere')).toMatchObject({
      code: 1,
      stderr: 'No election has the id “nowhere”.\n',
    });
    expect((await run('help')).stdout).toContain('import-votes <votes.csv> <links.csv> --election <slug>');
  });
});
