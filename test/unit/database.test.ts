import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

describe('the database connection', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  // On SQLite the statement of a query text is prepared once and kept (src/db/client.ts).
  it('answers the same query text with each call’s own parameters and the latest writes', async () => {
    const nameOf = async (key: string) =>
      (await ctx.db.selectFrom('candidates').select('ballot_name').where('key', '=', key).executeTakeFirstOrThrow()).ballot_name;
    expect(await nameOf('ana')).toBe('Ana da Praça');
    expect(await nameOf('carla')).toBe('Carla');
    await ctx.db.updateTable('candidates').set({ ballot_name: 'Ana Nova' }).where('key', '=', 'ana').execute();
    await ctx.db.transaction().execute((trx) => trx.updateTable('candidates').set({ ballot_name: 'Carla Nova' }).where('key', '=', 'carla').execute());
    expect(await nameOf('ana')).toBe('Ana Nova');
    expect(await nameOf('carla')).toBe('Carla Nova');
    await expect(ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('candidates').set({ ballot_name: 'Lost' }).where('key', '=', 'ana').execute();
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(await nameOf('ana')).toBe('Ana Nova');
  });
});
