/** What the decoder reads of a queued message, whichever transport received it. */
export interface QueuedMessage {
  body: string;
  /** String attributes of the SQS message (set when the subscription uses raw message delivery). */
  attributes: Record<string, string>;
}

/** Built with Object.fromEntries, which defines properties, so an attribute named `__proto__` survives. */
export function stringAttributes<V>(attributes: Record<string, V | undefined> | undefined, valueOf: (value: V) => string | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).flatMap(([name, value]) => {
      const text = value === undefined || value === null ? undefined : valueOf(value);
      return text === undefined ? [] : [[name, text]];
    }),
  );
}
