import { sql } from 'kysely';
import { isPostgres, type Db } from '../client.js';
import type { Database } from '../schema.js';

/** The columns of a bulk insert, in row order, and how the database should read each. */
export type BulkColumns<T extends keyof Database> = Partial<Record<keyof Database[T] & string, 'integer' | 'text'>>;

/**
 * Inserts many rows with one statement: the rows travel as a single JSON
 * parameter (an array of arrays, values in the order of `columns`' keys) that
 * the database unpacks itself (SQLite `json_each`, PostgreSQL
 * `jsonb_array_elements`), so a batch of 100,000 rows costs one round trip and
 * no per-value SQL text.
 * Returns the `returning` columns of the inserted rows, in no particular order.
 */
export async function insertRows<T extends keyof Database, R extends keyof Database[T] & string = never>(
  db: Db,
  input: {
    table: T;
    columns: BulkColumns<T>;
    rows: ReadonlyArray<readonly unknown[]>;
    returning?: readonly R[];
  },
): Promise<Array<Pick<Database[T], R>>> {
  if (input.rows.length === 0) return [];
  const postgres = isPostgres(db);
  const element = sql.raw(postgres ? 'e' : 'value');
  const columns = Object.entries(input.columns) as Array<[string, 'integer' | 'text']>;
  const fields = columns.map(([, type], index) => {
    const field = sql`${element}->>${sql.lit(index)}`;
    return postgres ? sql`(${field})::${sql.raw(type)}` : field;
  });
  const source = postgres
    ? sql`jsonb_array_elements(${JSON.stringify(input.rows)}::jsonb) as e`
    : sql`json_each(${JSON.stringify(input.rows)})`;
  const returning =
    input.returning && input.returning.length > 0
      ? sql` returning ${sql.join(input.returning.map((name) => sql.ref(name)))}`
      : sql``;
  const result = await sql<Pick<Database[T], R>>`insert into ${sql.table(input.table)} (${sql.join(
    columns.map(([name]) => sql.ref(name)),
  )}) select ${sql.join(fields)} from ${source}${returning}`.execute(db);
  return result.rows;
}
