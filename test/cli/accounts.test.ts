import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { commandLine } from '../helpers/cli.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../helpers/database.js';
import { fixtureText } from '../helpers/packages.js';
import { writeFileSync } from 'node:fs';

describe('concordo invite / create-admin', () => {
  let temp: ReturnType<typeof tempDir>;
  let database: TestDatabase;
  /** What the commands wrote, read back. */
  let db: Db;
  const run = (...argv: string[]) => commandLine(database.url, { BASE_URL: 'https://concordo.example.org' })(...argv);

  beforeEach(async () => {
    temp = tempDir();
    database = await createTestDatabase();
    db = createDb(database.url);
    const file = path.join(temp.dir, 'in.json');
    writeFileSync(file, fixtureText('small-election.json'));
    expect((await run('import', file)).code).toBe(0);
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
    temp.remove();
  });

  it('prints one candidate-id<TAB>link line per invitation with --print, and marks them invited', async () => {
    const result = await run('invite', 'vila-pequena-2028', '--print');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['ana', 'bruno', 'carla', 'davi']);
    for (const line of lines) expect(line.split('\t')[1]).toMatch(/^https:\/\/concordo\.example\.org\/candidate\/invitation\/[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toContain('4 invitations created, valid for 14 days.');
    expect(await db.selectFrom('candidates').select(['key', 'status']).where('key', '=', 'carla').executeTakeFirst()).toEqual({
      key: 'carla',
      status: 'invited',
    });
    // Only hashes are stored: no link's token is in the database.
    const hashes = await db.selectFrom('invitations').select('token_hash').execute();
    for (const line of lines) expect(hashes.map((h) => h.token_hash)).not.toContain(line.split('/').at(-1));
  });

  it('e-mails candidates with an address, in the election’s language, into the outbox without SMTP', async () => {
    await db.updateTable('candidates').set({ email: 'carla@example.org' }).where('key', '=', 'carla').execute();
    const result = await run('invite', 'vila-pequena-2028', '--candidate', 'carla');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Invitation for “carla”: e-mailed to carla@example.org.');
    const mail = await db.selectFrom('outbox').select(['to_address', 'subject', 'body_text']).executeTakeFirstOrThrow();
    // The election is in Brazil: Portuguese.
    expect(mail.to_address).toBe('carla@example.org');
    expect(mail.subject).toBe('Convite: responda ao questionário de Eleição de teste de Vila Pequena');
    expect(mail.body_text).toMatch(/Olá, Carla Nunes\./);
    expect(mail.body_text).toMatch(/https:\/\/concordo\.example\.org\/candidate\/invitation\/[A-Za-z0-9_-]{43}/);
    expect(mail.body_text).toContain('por 14 dias');
  });

  it('says what it could not do', async () => {
    const noEmail = await run('invite', 'vila-pequena-2028', '--candidate', 'ana');
    expect(noEmail.stderr).toContain('Invitation for “ana”: no e-mail address on file; use --print to get the link.');
    expect((await run('invite', 'nope')).code).toBe(1);
    const unknown = await run('invite', 'vila-pequena-2028', '--candidate', 'zé');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No candidate of this election has the id “zé”.');
    expect((await run('invite')).code).toBe(2);
  });

  it('creates an organizer account and prints a one-time link to set its password', async () => {
    const created = await run('create-admin', 'organizer@example.org');
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^https:\/\/concordo\.example\.org\/admin\/setup\/[A-Za-z0-9_-]{43}$/);
    const bad = await run('create-admin', 'not-an-email');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('“not-an-email” is not a valid e-mail address.');
  });
});
