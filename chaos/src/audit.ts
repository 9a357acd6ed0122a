import type { Pool } from 'pg';
import type { Outcome } from './load';

export interface AuditReport {
  messages: number;
  /** Sent as items of POST /ingresar-datos/lote. */
  batched: number;
  accepted: number;
  refusedAsRequired: number;
  /** Accepted (202) and not in the table. */
  lost: number;
  /** The same posted message stored under two ids with no failed attempt in between. */
  duplicated: number;
  /** Stored with other text or attributes than posted, or stored without anyone having posted it. */
  altered: number;
  /** Stored a second time after an attempt failed (503 or a dropped connection) and was retried without a key: at-least-once, as documented. */
  retriedTwice: number;
  /** Contract breaches at the door: valid messages refused, invalid ones accepted, a reused key accepted, or a refused message stored. */
  refusedValid: number;
  acceptedInvalid: number;
  keyReuseAccepted: number;
  storedAfterRefusal: number;
  failedAttempts: number;
  gaveUp: number;
  examples: string[];
}

interface StoredRow {
  transaction_id: string;
  message: string;
  attributes: string;
}

/** Compares every answer the producers got with what the records table holds. */
export async function audit(pool: Pool, outcomes: readonly Outcome[]): Promise<AuditReport> {
  const { rows } = await pool.query<StoredRow>('select transaction_id::text, message::text as message, attributes::text as attributes from records');
  const byId = new Map(rows.map((r) => [r.transaction_id, r]));
  const byText = new Map<string, StoredRow[]>();
  for (const r of rows) byText.set(r.message, [...(byText.get(r.message) ?? []), r]);

  const report: AuditReport = {
    messages: outcomes.length, batched: outcomes.filter((o) => o.batched).length, accepted: 0, refusedAsRequired: 0, lost: 0, duplicated: 0, altered: 0, retriedTwice: 0,
    refusedValid: 0, acceptedInvalid: 0, keyReuseAccepted: 0, storedAfterRefusal: 0, failedAttempts: 0, gaveUp: 0, examples: [],
  };
  const example = (what: string, o: Outcome) => report.examples.length < 10 && report.examples.push(`${what}: #${o.n} ${o.message.kind} ${o.message.text.slice(0, 120)}`);
  const sameAttributes = (stored: string, posted: Record<string, string>) =>
    JSON.stringify(Object.entries(JSON.parse(stored) as Record<string, string>).sort()) === JSON.stringify(Object.entries(posted).sort());

  const attributed = new Set<string>();
  for (const o of outcomes) {
    const failed = o.attempts.filter((a) => a.status === 'error' || (typeof a.status === 'number' && a.status >= 500)).length;
    report.failedAttempts += failed;
    const stored = o.message.refusal ? [] : (byText.get(o.message.stored) ?? []);
    for (const r of stored) attributed.add(r.transaction_id);
    if (o.keyReuse?.status === 202) {
      report.keyReuseAccepted++;
      example('key reuse accepted', o);
    }

    if (o.acceptedId) {
      report.accepted++;
      if (o.message.refusal) {
        report.acceptedInvalid++;
        example(`accepted though it must be refused with ${o.message.refusal}`, o);
      }
      const row = byId.get(o.acceptedId);
      attributed.add(o.acceptedId);
      if (!row) {
        report.lost++;
        example('lost', o);
      } else if (row.message !== o.message.stored || !sameAttributes(row.attributes, o.message.attributes)) {
        report.altered++;
        example(`altered (stored ${row.message.slice(0, 80)} ${row.attributes})`, o);
      }
      const extra = stored.filter((r) => r.transaction_id !== o.acceptedId).length;
      if (extra > 0) {
        if (!o.idempotencyKey && failed > 0) report.retriedTwice += extra;
        else {
          report.duplicated += extra;
          example('duplicated', o);
        }
      }
    } else if (o.refusedWith) {
      if (o.message.refusal) report.refusedAsRequired++;
      else {
        report.refusedValid++;
        example(`refused with ${o.refusedWith}`, o);
      }
      if (stored.length > 0 && failed === 0) {
        report.storedAfterRefusal++;
        example('stored although refused', o);
      } else report.retriedTwice += stored.length;
    } else {
      report.gaveUp++;
      report.retriedTwice += stored.length;
    }
  }
  // Rows no answer accounts for: not one byte of any posted message matches them.
  for (const r of rows) {
    if (!attributed.has(r.transaction_id)) {
      report.altered++;
      if (report.examples.length < 10) report.examples.push(`a record nobody posted: ${r.transaction_id} ${r.message.slice(0, 120)}`);
    }
  }
  return report;
}
