import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { stringify } from 'csv-stringify/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElectionPackage, PackageCandidate } from '../../src/formats/election-package.js';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, tempDir, type TestContext } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { hasSharedData, readSharedCsv } from '../helpers/shared-data.js';

/*
 * Validation against real promises and real votes (SPEC §5.8, §6.4): VozAtiva 2018
 * asked federal-deputy candidates 46 yes/no questions; after the election the
 * Chamber voted on bills that test some of them. The data is turned into an
 * election (through the package import) and into the roll-call files (through
 * `concordo import-votes`), eight votes are linked to seven statements, and the
 * coherence the API serves is checked, for every elected deputy, against a
 * computation made here from the raw files alone.
 *
 * Data: parlametria/perfil-parlamentar-dados (../shared/data/vozativa-2018, see
 * its README). Answers: 1 in favour, −1 against, −2 "don't know", 0 no answer.
 * Votes: 1 yes, −1 no, 3 abstention; 0 (did not vote), 2 (obstruction) and
 * 4 (presiding, Art. 17) are absences. Deputies are named by VozAtiva's
 * id_parlamentar_voz, used here as the official id on both sides.
 */

const available = hasSharedData('vozativa-2018');
if (!available) {
  // eslint-disable-next-line no-console
  console.warn('Skipping the VozAtiva 2018 validation: ../shared/data/vozativa-2018 is absent');
}

const ELECTION = 'vozativa-2018';
const statementId = (id: string) => `p${id.padStart(2, '0')}`;

/**
 * The links: a statement, a roll call (id_votacao), what a yes vote means for the
 * statement, and why the vote tests it. votacoes.csv gives no date for the votes
 * of 2015–2017; theirs are the Chamber's session dates.
 */
const LINKS = [
  {
    statement: '10', // Redução da maioridade penal
    vote: '156322025', // PEC 171/1993
    date: '2015-07-02',
    direction: 1,
    explanation:
      'Votar sim aprovava a emenda que reduz de 18 para 16 anos a maioridade penal para crimes hediondos, homicídio doloso e lesão corporal seguida de morte, a redução que a afirmação propõe.',
  },
  {
    statement: '16', // Revogação da Emenda Constitucional do teto de gastos
    vote: '160432022', // PEC 241/2016, second round
    date: '2016-10-25',
    direction: -1,
    explanation: 'Votar sim aprovava a PEC 241/2016, que criou o teto de gastos públicos (Emenda Constitucional 95), a emenda cuja revogação a afirmação defende.',
  },
  {
    statement: '38', // Revogação da reforma trabalhista
    vote: '1161862156', // PL 6787/2016
    date: '2017-04-26',
    direction: -1,
    explanation: 'Votar sim aprovava na Câmara a reforma trabalhista de 2017, cuja revogação a afirmação defende.',
  },
  {
    statement: '39', // Revogação da lei da terceirização
    vote: '161482024', // PL 4302/1998
    date: '2017-03-22',
    direction: -1,
    explanation: 'Votar sim aprovava o projeto que se tornou a lei da terceirização (Lei 13.429/2017), cuja revogação a afirmação defende.',
  },
  {
    statement: '40', // Fim da reeleição
    vote: '155482309', // PEC 182/2007, end of re-election for executive offices
    date: '2015-05-27',
    direction: 1,
    explanation: 'Votar sim aprovava o fim da reeleição para presidente, governadores e prefeitos, o fim da reeleição que a afirmação propõe.',
  },
  {
    statement: '42', // Voto facultativo
    vote: '155621919', // PEC 182/2007, voluntary voting
    date: '2015-06-10',
    direction: 1,
    explanation: 'Votar sim apoiava pôr o voto facultativo na Constituição, o que a afirmação propõe.',
  },
  {
    statement: '45', // Reforma da previdência como proposta na PEC 287/16
    vote: '1168621933', // PEC 6/2019, first round
    date: null,
    direction: 1,
    explanation:
      'A PEC 6/2019 retomou o centro da PEC 287/16, idade mínima de 65 anos para homens e 62 para mulheres e mais tempo de contribuição, então votar sim no primeiro turno apoiava uma reforma como a da afirmação.',
  },
  {
    statement: '45',
    vote: '1168870012', // PEC 6/2019, second round
    date: null,
    direction: 1,
    explanation: 'Votar sim no segundo turno aprovava a mesma reforma da previdência, com a idade mínima e o tempo de contribuição maior da PEC 287/16 da afirmação.',
  },
] as const;

const VOTE = { '1': 'yes', '-1': 'no', '3': 'abstain' } as Record<string, string>;

describe.skipIf(!available)('VozAtiva 2018: answers against later roll-call votes', () => {
  let ctx: TestContext;
  let temp: ReturnType<typeof tempDir>;
  /** What the raw files say, computed here without Concordo: voz id → figures. */
  let expected: Map<string, { key: string; name: string; party: string; counted: number; consistent: number; percent: number | null }>;
  let importOutput: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    temp = tempDir();
    const perguntas = readSharedCsv('vozativa-2018', 'perguntas.csv');
    const temas = new Map(readSharedCsv('vozativa-2018', 'temas.csv').map((t) => [t.id_tema!, t]));
    const parlamentares = readSharedCsv('vozativa-2018', 'parlamentares.csv').filter((p) => p.casa === 'camara');
    const vozId = new Map(parlamentares.map((p) => [p.id_parlamentar!, p.id_parlamentar_voz!]));
    const candidatos = readSharedCsv('vozativa-2018', 'candidatos.csv').filter((c) => vozId.has(c.id_parlamentar!));
    const respostas = readSharedCsv('vozativa-2018', 'respostas.csv');
    const votos = readSharedCsv('vozativa-2018', 'votos.csv');
    const votacoes = readSharedCsv('vozativa-2018', 'votacoes.csv');
    const proposicoes = new Map(readSharedCsv('vozativa-2018', 'proposicoes.csv').map((p) => [p.id_proposicao_voz!, p]));

    // The election: one race per state, the candidates who held a seat at some point, 2 points (against, in favour).
    const answers = new Map<string, Record<string, { value: number | null }>>();
    for (const r of respostas) {
      if (r.resposta === '0') continue;
      const record = answers.get(r.id_parlamentar_voz!) ?? {};
      record[statementId(r.pergunta_id!)] = { value: r.resposta === '1' ? 2 : r.resposta === '-1' ? 1 : null };
      answers.set(r.id_parlamentar_voz!, record);
    }
    const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    const slug = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const usedTopics = [...new Set(perguntas.map((p) => p.tema_id!))];
    const parties = new Map(candidatos.map((c) => [slug(c.sg_partido!), c]));
    const states = new Map(candidatos.map((c) => [c.uf!, c.estado!]));
    const pkg: ElectionPackage = {
      format: 'concordo.election/1',
      election: { slug: ELECTION, name: 'VozAtiva 2018 — Deputados federais', date: '2018-10-07', country: 'BR', scale: 2, minAnswers: 5 },
      topics: usedTopics.map((id) => ({ slug: temas.get(id)!.slug!, name: temas.get(id)!.tema! })),
      statements: perguntas.map((p) => ({ id: statementId(p.id!), topic: temas.get(p.tema_id!)!.slug!, text: plain(p.texto!) })),
      races: [...states].map(([uf, estado]) => ({ slug: `deputado-federal-${uf.toLowerCase()}`, office: 'Deputado Federal', district: estado })),
      parties: [...parties].map(([partySlug, c]) => ({ slug: partySlug, abbreviation: c.sg_partido!, name: c.partido!, number: Number(c.num_partido) })),
      candidates: candidatos.map((c): PackageCandidate => {
        const official = vozId.get(c.id_parlamentar!)!;
        const given = answers.get(official);
        return {
          id: `d${c.id_parlamentar}`,
          officialId: official,
          name: c.nome_candidato!,
          ballotName: c.nome_urna!,
          party: slug(c.sg_partido!),
          race: `deputado-federal-${c.uf!.toLowerCase()}`,
          elected: c.eleito === 'true',
          ...(given ? { answers: given } : {}),
        };
      }),
    };
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);

    // The §6.4 files: every roll call votacoes.csv dates, and the linked ones, with every member's vote.
    const linkDates = new Map(LINKS.filter((l) => l.date !== null).map((l) => [l.vote as string, l.date as string]));
    const rollCalls = new Map(
      votacoes.flatMap((v) => {
        const date = v.datetime !== 'NA' ? v.datetime!.slice(0, 10) : linkDates.get(v.id_votacao!);
        if (!date) return [];
        const p = proposicoes.get(v.id_proposicao_voz!)!;
        const title = [p.titulo, v.objeto_votacao].filter((t) => t && t !== 'NA').join(' — ');
        return [[v.id_votacao!, { date, chamber: p.casa === 'senado' ? 'Senado Federal' : 'Câmara dos Deputados', bill: p.projeto_lei!, title }]];
      }),
    );
    const voteRows = votos.flatMap((v) => {
      const rollCall = rollCalls.get(v.id_votacao!);
      if (!rollCall) return [];
      return [[v.id_votacao, rollCall.date, rollCall.chamber, rollCall.bill, rollCall.title, v.id_parlamentar_voz, VOTE[v.voto!] ?? 'absent']];
    });
    const votesFile = path.join(temp.dir, 'votes.csv');
    const linksFile = path.join(temp.dir, 'links.csv');
    writeFileSync(votesFile, stringify([['vote_id', 'date', 'chamber', 'bill', 'title', 'official_id', 'vote'], ...voteRows]));
    writeFileSync(linksFile, stringify([['statement_id', 'vote_id', 'direction', 'explanation'], ...LINKS.map((l) => [statementId(l.statement), l.vote, l.direction, l.explanation])]));
    const imported = await commandLine(() => ctx.config.databaseUrl)('import-votes', votesFile, linksFile, '--election', ELECTION);
    expect(imported.code, imported.stderr).toBe(0);
    importOutput = imported.stdout;

    // The independent computation, from the raw codes.
    const answer = new Map(respostas.map((r) => [`${r.id_parlamentar_voz}:${r.pergunta_id}`, Number(r.resposta)]));
    const vote = new Map(votos.map((v) => [`${v.id_parlamentar_voz}:${v.id_votacao}`, Number(v.voto)]));
    expected = new Map(
      candidatos
        .filter((c) => c.eleito === 'true')
        .map((c) => {
          const id = vozId.get(c.id_parlamentar!)!;
          let counted = 0;
          let consistent = 0;
          for (const link of LINKS) {
            const a = answer.get(`${id}:${link.statement}`);
            const x = vote.get(`${id}:${link.vote}`);
            if ((a === 1 || a === -1) && (x === 1 || x === -1)) {
              counted += 1;
              if (a * link.direction === x) consistent += 1;
            }
          }
          const percent = counted >= 3 ? Math.floor((100 * consistent) / counted + 0.5) : null;
          return [id, { key: `d${c.id_parlamentar}`, name: c.nome_urna!, party: c.sg_partido!, counted, consistent, percent }];
        }),
    );
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
    temp?.remove();
  });

  it('imports the roll calls and reports the votes of people who are not candidates of the election', async () => {
    expect(importOutput).toMatch(/^Imported [\d,]+ roll calls \([\d,]+ new\), [\d,]+ votes of candidates and 8 links to statements\.\n/);
    // Senators, and deputies who took a seat without having been a 2018 candidate with a record here.
    expect(importOutput).toMatch(/\n[\d,]+ official ids match no candidate of this election; their [\d,]+ rows were skipped:\n/);
    const links = await ctx.db.selectFrom('roll_call_links').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(links.n)).toBe(8);
  });

  it('serves, for every elected deputy, the coherence computed independently from the raw files', async () => {
    const res = await request(ctx.app).get(`/api/v1/elections/${ELECTION}/coherence`);
    expect(res.status).toBe(200);
    const served = new Map(
      (res.body.candidates as Array<{ officialId: string; counted: number; consistent: number; percent: number | null }>).map((c) => [
        c.officialId,
        { counted: c.counted, consistent: c.consistent, percent: c.percent },
      ]),
    );
    expect(served.size).toBe(513);
    expect(served.size).toBe(expected.size);
    for (const [id, figures] of expected) {
      expect(served.get(id), `${id} ${figures.name}`).toEqual({ counted: figures.counted, consistent: figures.consistent, percent: figures.percent });
    }
    // Most elected deputies never answered; those who did and voted in 2015–2019 have figures.
    const withFigure = [...expected].filter(([, f]) => f.percent !== null);
    expect(withFigure.length).toBeGreaterThanOrEqual(5);

    // A known case: a deputy who answered against the pension reform of PEC 287/16 and voted yes on PEC 6/2019.
    const tabata = res.body.candidates.find((c: { officialId: string }) => c.officialId === '1204534');
    expect(tabata.pairs.filter((p: { statement: string }) => p.statement === 'p45').map((p: { outcome: string }) => p.outcome)).toEqual(['inconsistent', 'inconsistent']);

    const lines = withFigure
      .sort(([, a], [, b]) => b.percent! - a.percent! || a.name.localeCompare(b.name))
      .map(([id, f]) => `  ${f.name} (${f.party}, ${id}): ${f.consistent}/${f.counted} = ${f.percent}%`);
    const fewer = [...expected].filter(([, f]) => f.percent === null && f.counted > 0).map(([, f]) => `${f.name} ${f.consistent}/${f.counted}`);
    // eslint-disable-next-line no-console
    console.log(`VozAtiva 2018, coherence of elected deputies over ${LINKS.length} linked votes:\n${lines.join('\n')}\n  fewer than 3 counted: ${fewer.join(', ')}`);
  });

  it('shows the same figures on the elected page, in the CSV and on a deputy’s page', async () => {
    const page = await request(ctx.app).get(`/e/${ELECTION}/elected?sort=coherence&lang=en`);
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    const rows = $('table.elected tbody tr');
    expect(rows).toHaveLength(513);
    const shown = new Map<string, string | null>(
      rows.map((_, r) => [[$(r).find('th a').first().attr('href')!.split('/').pop()!.split('?')[0]!, /(\d+)%/.exec($(r).find('.figure').text())?.[1] ?? null]]).get() as Array<[string, string | null]>,
    );
    for (const figures of expected.values()) expect(shown.get(figures.key), figures.name).toBe(figures.percent === null ? null : String(figures.percent));
    const csv = await request(ctx.app).get(`/data/${ELECTION}-coherence.csv`);
    // One row per elected deputy × linked vote.
    expect(csv.text.trim().split('\n')).toHaveLength(1 + 513 * LINKS.length);
    const best = [...expected].filter(([, f]) => f.percent !== null).sort(([, a], [, b]) => b.percent! - a.percent!)[0]!;
    const candidate = await request(ctx.app).get(`/e/${ELECTION}/candidates/${best[1].key}?lang=en`);
    expect(candidate.text).toContain(`${best[1].percent}% coherent`);
    expect(candidate.text).toContain(LINKS[0].explanation);
  });
});
