import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Stack } from './bench-stack';

const CHANNEL = 'bench_records_visible';

/**
 * Tells the bench the moment rows become visible: a statement-level trigger sends the ids of the
 * rows a statement inserted, and Postgres delivers the notification when the transaction commits.
 * It exists only while a run watches, in the bench's own database.
 */
const INSTALL_NOTIFY = `
create or replace function bench_notify_visible() returns trigger language plpgsql as $$
declare
  ids text[];
  i int := 1;
begin
  select array_agg(transaction_id::text) into ids from new_rows;
  while i <= coalesce(array_length(ids, 1), 0) loop
    perform pg_notify('${CHANNEL}', array_to_string(ids[i:i + 199], ','));
    i := i + 200;
  end loop;
  return null;
end $$;
drop trigger if exists bench_notify_visible on records;
create trigger bench_notify_visible after insert on records
  referencing new table as new_rows for each statement execute function bench_notify_visible();`;
const REMOVE_NOTIFY = `drop trigger if exists bench_notify_visible on records; drop function if exists bench_notify_visible();`;

/** After the load, acknowledged rows may still be on their way; the wait ends when none arrived for this long. */
const STALL_MS = 30_000;
/** And never lasts longer than this, however slowly rows keep arriving. */
const MAX_WAIT_MS = 180_000;

export interface VisibleRows {
  /** Each stored transaction id with the time its row became visible. */
  seen: Map<string, number>;
  /** Waits while rows keep arriving; resolves with how many of `acknowledged` are still not visible. */
  waitFor(acknowledged: Map<string, number>): Promise<number>;
  stop(): Promise<void>;
}

/** Watches the records table for new rows, from now until `stop`. */
export async function watchVisibleRows(stack: Stack): Promise<VisibleRows> {
  await stack.pool.query(INSTALL_NOTIFY);
  const seen = new Map<string, number>();
  const client = new Client({ connectionString: stack.postgresUrl, application_name: 'pubsub-ingest-bench-listen' });
  try {
    await client.connect();
    client.on('notification', (n) => {
      const at = Date.now();
      for (const id of (n.payload ?? '').split(',')) if (id) seen.set(id, at);
    });
    await client.query(`listen ${CHANNEL}`);
  } catch (err) {
    await client.end().catch(() => undefined);
    await stack.pool.query(REMOVE_NOTIFY);
    throw err;
  }
  return {
    seen,
    waitFor: async (acknowledged) => {
      const started = Date.now();
      let lastSeen = seen.size;
      let lastProgress = Date.now();
      const missing = () => {
        let n = 0;
        for (const id of acknowledged.keys()) if (!seen.has(id)) n++;
        return n;
      };
      let left = missing();
      while (left > 0 && Date.now() - lastProgress < STALL_MS && Date.now() - started < MAX_WAIT_MS) {
        await sleep(100);
        if (seen.size !== lastSeen) {
          lastSeen = seen.size;
          lastProgress = Date.now();
        }
        left = missing();
      }
      return left;
    },
    stop: async () => {
      await client.end().catch(() => undefined);
      await stack.pool.query(REMOVE_NOTIFY);
    },
  };
}
