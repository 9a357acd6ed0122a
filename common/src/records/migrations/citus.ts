import { sql, type Kysely } from 'kysely';

/** Whether the database is a Citus coordinator, where tables are distributed explicitly. */
export async function isCitus(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ citus: boolean }>`select exists (select 1 from pg_extension where extname = 'citus') as citus`.execute(db);
  return rows[0]?.citus === true;
}
