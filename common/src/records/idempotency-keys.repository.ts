import type { Pool } from 'pg';

export type IdempotencyClaim = 'claimed' | 'same_request' | 'other_request';

/**
 * Claims a key-derived transaction id for one request, identified by its SHA-256. The first
 * request wins; a retry of the same request finds its own claim (`same_request`), and another
 * request reusing the key finds the first one's (`other_request`). The claim is written before
 * anything is published, so a reuse is caught even while the first message is still in flight.
 */
export async function claimIdempotencyKey(pool: Pool, transactionId: string, requestSha256: Buffer): Promise<IdempotencyClaim> {
  for (let attempt = 1; ; attempt++) {
    const { rows } = await pool.query<{ request_sha256: Buffer; claimed: boolean }>({
      name: 'claim-idempotency-key',
      text: `with claimed as (
               insert into idempotency_keys (transaction_id, request_sha256) values ($1, $2)
               on conflict (transaction_id) do nothing
               returning request_sha256, true as claimed)
             select request_sha256, claimed from claimed
             union all
             select request_sha256, false from idempotency_keys where transaction_id = $1`,
      values: [transactionId, requestSha256],
    });
    const row = rows[0];
    // A concurrent first claim committed after this statement's snapshot: ask again, it is visible now.
    if (!row) {
      if (attempt < 3) continue;
      throw new Error(`idempotency key claim for ${transactionId} found no row`);
    }
    if (row.claimed) return 'claimed';
    return row.request_sha256.equals(requestSha256) ? 'same_request' : 'other_request';
  }
}
