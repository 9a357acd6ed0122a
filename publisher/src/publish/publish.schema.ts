import { IDEMPOTENCY_KEY, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_MESSAGE_DEPTH, MAX_USER_ATTRIBUTES, SNS_MAX_MESSAGE_BYTES, userAttributes } from '@pubsub-ingest/common';
import { z } from 'zod';
import 'zod-openapi';

/** Characters SNS attribute values carry, as a JSON Schema pattern; lone surrogates are refused as invalid_unicode. */
const CARRIABLE_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]+$';

export const MESSAGE_RULES =
  `Any JSON value except null, kept exactly as written: numbers of any size and precision, key order, every key (\`__proto__\` too), escapes and spacing. ` +
  `Strings and keys must be well-formed Unicode (U+0000 is fine; a lone surrogate escape is not: 422 invalid_unicode); ` +
  `no object may repeat a key (422 duplicate_key); arrays and objects nest at most ${MAX_MESSAGE_DEPTH} levels (422 too_deep); ` +
  `the message with its attributes must fit the SNS limit of ${SNS_MAX_MESSAGE_BYTES} bytes (413). ` +
  'A non-empty string that SNS can carry is published as the string itself (content type text/plain); everything else as its JSON text.';

/** The request body of POST /ingresar-datos; validation and the OpenAPI document both come from here. */
export const IngestRequest = z
  .object({
    topic_arn: z.string().min(1).meta({
      description: 'Logical topic name or full SNS topic ARN; it must be one of the topics this service allows.',
      example: 'data-ingestion-topic',
    }),
    // Only presence and null are checked here; the message's own rules need its text (see MESSAGE_RULES).
    message: z
      .unknown()
      .refine((value) => value !== undefined, { message: 'required' })
      .refine((value) => value !== null, { message: 'message must not be null' })
      .meta({
        description: MESSAGE_RULES,
        example: { sensor: 'th-17', temperature: 21.5 },
        override: { not: { type: 'null' } },
      }),
    attributes: userAttributes.optional().meta({
      description: `Up to ${MAX_USER_ATTRIBUTES} string attributes, published as SNS message attributes (usable in subscription filter policies) and stored with the record.`,
      example: { source: 'plant-3' },
      override: ({ jsonSchema }) => {
        jsonSchema.maxProperties = MAX_USER_ATTRIBUTES;
        const values = jsonSchema.additionalProperties;
        if (values && typeof values === 'object') Object.assign(values, { pattern: CARRIABLE_PATTERN });
      },
    }),
  })
  .strict()
  .meta({ id: 'IngestRequest' });

export type IngestRequest = z.output<typeof IngestRequest>;

export const IngestAccepted = z
  .object({
    status: z.literal('OK'),
    transaction_id: z.uuid().meta({ description: 'Id under which the record can be read at GET /data/{id}.' }),
  })
  .meta({ id: 'IngestAccepted' });

export const IdempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY, `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`)
  .meta({
    description:
      'The same key on the same topic always yields the same transaction id, so a retry never creates a second record. ' +
      'A key belongs to the first request that used it: the same key with a different message or attributes is refused (422 idempotency_key_reused).',
    example: 'order-4711',
  });

/** One item of POST /ingresar-datos/lote: a single request's body, with that request's Idempotency-Key as a field. */
export const BatchItem = IngestRequest.extend({
  idempotency_key: IdempotencyKey.optional(),
})
  .strict()
  .meta({ id: 'BatchItem' });

const itemError = z.object({
  code: z.string().meta({ description: 'The code a single POST of this item would have been answered with.', example: 'validation_failed' }),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const BatchItemResult = z
  .object({
    index: z.number().int().min(0).meta({ description: 'Position of the item in the request, from 0.' }),
    status: z.number().int().meta({ description: 'What a single POST of this item would have been answered with: 202, a 4xx, or 503.', example: 202 }),
    transaction_id: z.uuid().optional().meta({ description: 'Only when accepted (202): the id under which the record can be read.' }),
    error: itemError.optional().meta({ description: 'Only when not accepted.' }),
    retry_after_seconds: z.number().int().optional().meta({ description: 'Only with status 503: when this item may be sent again.' }),
  })
  .meta({ id: 'BatchItemResult' });

export const BatchResult = z
  .object({
    accepted: z.number().int().meta({ description: 'Items SNS acknowledged (status 202): each will be stored exactly once.' }),
    refused: z.number().int().meta({ description: 'Items not accepted: nothing of them is stored unless sent again.' }),
    items: z.array(BatchItemResult).meta({ description: 'One result per item, in request order.' }),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .meta({ description: 'Only when no item was accepted: the answer as a whole, like a single request\'s error.' }),
  })
  .meta({ id: 'BatchResult' });

export const StoredRecord = z
  .object({
    transaction_id: z.uuid(),
    topic: z.string().meta({ description: 'Logical topic name.' }),
    message: z.unknown().meta({ description: 'The message exactly as posted (its JSON text).', override: { not: { type: 'null' } } }),
    attributes: z.record(z.string(), z.string()),
    published_at: z.iso.datetime().meta({ description: 'When SNS accepted the message.' }),
    received_at: z.iso.datetime().meta({ description: 'When the subscriber stored it.' }),
  })
  .meta({ id: 'Record' });

/** What a 404 of GET /data/{id} can tell about the id (see missing-record.ts). */
export const MissingRecordLookup = z
  .object({
    id_well_formed: z.literal(true).meta({ description: 'The id is a transaction id; a malformed one is a 400 invalid_id instead.' }),
    state: z.enum(['pending', 'not_found', 'not_issued']).meta({
      description:
        'pending: the id was minted (UUIDv7 time) or its Idempotency-Key claimed within pending_window_seconds, so the record is probably still in flight: retry shortly. ' +
        'not_found: no record, and no sign of one on its way. not_issued: the id carries a time in the future, so no publisher issued it.',
    }),
    minted_at: z.iso.datetime().optional().meta({ description: 'When the id was minted, for time-ordered ids (those without an Idempotency-Key).' }),
    claimed_at: z.iso.datetime().optional().meta({ description: 'When a request with the Idempotency-Key behind this id was received.' }),
    pending_window_seconds: z.number().int().meta({ description: 'How long after minting a record counts as possibly in flight.' }),
  })
  .meta({ id: 'MissingRecordLookup', description: 'Only on 404 not_found of GET /data/{id}.' });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Machine-readable error code.', example: 'validation_failed' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
      lookup: MissingRecordLookup.optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Turns zod issues into `{field, message}` pairs that name the offending field. */
export function fieldErrorsOf(error: z.ZodError, root = '(body)'): { field: string; message: string }[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(', '), message: 'unknown field' };
    }
    const field = issue.path.length ? issue.path.map(String).join('.') : root;
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
    return { field, message };
  });
}
