import { isTransactionId, newTransactionId, transactionIdForIdempotencyKey } from './transaction-id';

describe('transaction ids', () => {
  it('When ids are generated, then they are UUIDv7 and sort in creation order', () => {
    const ids = Array.from({ length: 50 }, () => newTransactionId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('When the same idempotency key is used on the same topic, then the id is the same; on another topic it differs', () => {
    const a = transactionIdForIdempotencyKey('arn:aws:sns:us-east-1:123456789012:t', 'key-1');
    expect(transactionIdForIdempotencyKey('arn:aws:sns:us-east-1:123456789012:t', 'key-1')).toBe(a);
    expect(transactionIdForIdempotencyKey('arn:aws:sns:us-east-1:123456789012:u', 'key-1')).not.toBe(a);
    expect(transactionIdForIdempotencyKey('arn:aws:sns:us-east-1:123456789012:t', 'key-2')).not.toBe(a);
    expect(a[14]).toBe('5');
  });

  it.each(['', 'not-a-uuid', '0193a6a0-0000-7000-8000-00000000000', '0193a6a0-0000-7000-8000-000000000000 '])(
    'When %p is checked, then it is not a transaction id',
    (value) => expect(isTransactionId(value)).toBe(false),
  );
});
