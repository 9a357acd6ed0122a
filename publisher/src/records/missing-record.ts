import type { Pool } from 'pg';

/**
 * How long after its id was minted a record may still be on its way. Records normally arrive
 * within a second; past this the subscriber's lag alerts would be firing.
 */
export const PENDING_WINDOW_SECONDS = 300;
// Clocks of publisher replicas and clients differ a little; an id this far in the future was not minted by us.
const CLOCK_SKEW_MS = 60_000;

export type MissingRecordState = 'pending' | 'not_found' | 'not_issued';

export interface MissingRecordLookup {
  message: string;
  body: {
    /** Always true here: a malformed id is a 400 before any lookup. */
    id_well_formed: true;
    state: MissingRecordState;
    /** When the id was minted, for time-ordered ids (UUIDv7). */
    minted_at?: string;
    /** When a request with the Idempotency-Key behind this id was received (key-derived ids). */
    claimed_at?: string;
    pending_window_seconds: number;
  };
}

/** The mint time of a UUIDv7 (its first 48 bits are Unix milliseconds); undefined for other versions. */
export function mintedAtOf(id: string): Date | undefined {
  if (id[14] !== '7') return undefined;
  return new Date(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}

async function claimedAtOf(pool: Pool, id: string): Promise<Date | undefined> {
  try {
    const { rows } = await pool.query<{ claimed_at: Date }>({ name: 'idempotency-claimed-at', text: 'select claimed_at from idempotency_keys where transaction_id = $1', values: [id] });
    return rows[0]?.claimed_at;
  } catch {
    return undefined; // the answer is still a 404; only the hint is missing
  }
}

/**
 * What a miss on GET /data/:id can tell: a record whose id was minted (or whose Idempotency-Key
 * was claimed) within the pending window is probably still in flight; an id minted in the future
 * was never issued; anything else is not stored. Each is a 404 — nothing here reveals a stored record.
 */
export async function missingRecordLookup(pool: Pool, id: string, now: Date): Promise<MissingRecordLookup> {
  const mintedAt = mintedAtOf(id);
  const claimedAt = mintedAt ? undefined : await claimedAtOf(pool, id);
  const since = mintedAt ?? claimedAt;
  const ageMs = since ? now.getTime() - since.getTime() : undefined;
  const state: MissingRecordState =
    ageMs === undefined ? 'not_found' : ageMs < -CLOCK_SKEW_MS ? 'not_issued' : ageMs <= PENDING_WINDOW_SECONDS * 1000 ? 'pending' : 'not_found';
  const message =
    state === 'pending' ? `no record with transaction id ${id} yet: it was ${mintedAt ? 'minted' : 'claimed'} ${Math.max(0, Math.round(ageMs! / 1000))} s ago and is probably still in flight; retry shortly`
    : state === 'not_issued' ? `no record with transaction id ${id}: its timestamp lies in the future, so no publisher issued it`
    : `no record with transaction id ${id}`;
  return {
    message,
    body: {
      id_well_formed: true,
      state,
      ...(mintedAt ? { minted_at: mintedAt.toISOString() } : {}),
      ...(claimedAt ? { claimed_at: claimedAt.toISOString() } : {}),
      pending_window_seconds: PENDING_WINDOW_SECONDS,
    },
  };
}
