import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpRaceVersion } from '../../src/db/repositories/elections.js';
import { ReadModel } from '../../src/read-model/read-model.js';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { writeElsewhere } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The cache trusts the versions it read until this process commits a write or
 * its recheck time passes: a change made here shows at once, one made by
 * another process within the recheck time.
 */
const pkg = loadFixture('small-election.json');
const ELECTION = pkg.election.slug;
const RACE = 'vereador';

describe('the read model', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  const raiseElsewhere = () =>
    writeElsewhere(ctx.config.databaseUrl, [
      `update races set answers_version = answers_version + 1 where slug = '${RACE}'`,
      `update elections set data_version = data_version + 1 where slug = '${ELECTION}'`,
    ]);

  it('sees another process’s change only once its recheck time has passed, and its own at once', async () => {
    const trusting = new ReadModel(ctx.db, 60_000);
    const before = await trusting.race(ELECTION, RACE);
    await raiseElsewhere();
    const stillTrusted = await trusting.race(ELECTION, RACE);
    expect(stillTrusted?.election).toBe(before?.election);
    expect(stillTrusted?.race).toBe(before?.race);

    // Any write this process commits makes the next request read the versions again.
    await ctx.db.transaction().execute((trx) => trx.updateTable('elections').set({ name: JSON.stringify({ 'pt-BR': 'Vila Pequena 2028' }) }).where('slug', '=', ELECTION).execute());
    const afterOwnWrite = await trusting.race(ELECTION, RACE);
    expect(afterOwnWrite?.election).not.toBe(before?.election);
    expect(afterOwnWrite?.election.detail.name).toEqual({ 'pt-BR': 'Vila Pequena 2028' });
  });

  it('reads the versions on every request with a recheck time of 0', async () => {
    const checking = new ReadModel(ctx.db, 0);
    const before = await checking.race(ELECTION, RACE);
    expect(await checking.race(ELECTION, RACE)).toEqual(before);
    await raiseElsewhere();
    const after = await checking.race(ELECTION, RACE);
    expect(after?.election).not.toBe(before?.election);
    expect(after?.race).not.toBe(before?.race);
    expect(after?.race?.candidates).toEqual(before?.race?.candidates);
  });
});

describe('the election’s versions', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  it('raises the answers version with any of its races’, and the data version alone with what all races share', async () => {
    const readModel = new ReadModel(ctx.db, 0);
    const before = await readModel.versions(ELECTION);
    const race = await ctx.db.selectFrom('races').select('id').where('slug', '=', RACE).executeTakeFirstOrThrow();
    await bumpRaceVersion(ctx.db, race.id);
    expect(await readModel.versions(ELECTION)).toEqual({ data: before!.data, answers: before!.answers + 1 });
    expect(await readModel.versions('no-such-election')).toBeNull();
  });
});
