import { ATTRIBUTE_NAME, MAX_USER_ATTRIBUTES, RESERVED_ATTRIBUTE_PREFIX } from '@pubsub-ingest/common';
import { z } from 'zod';
import 'zod-openapi';

/** The request body of POST /ingresar-datos; validation and the OpenAPI document both come from here. */
export const IngestRequest = z
  .object({
    topic_arn: z.string().min(1).meta({
      description: 'Logical topic name or full SNS topic ARN; it must be one of the topics this service allows.',
      example: 'data-ingestion-topic',
    }),
    message: z.json().refine((value) => value !== null, { message: 'message must not be null' }).meta({
      description: 'Any JSON value except null. A string is published as is; anything else as JSON text.',
      example: { sensor: 'th-17', temperature: 21.5 },
    }),
    attributes: z
      .record(
        z
          .string()
          .regex(ATTRIBUTE_NAME, 'attribute names use letters, digits, "_", "-" and "." (not at the ends), at most 256 characters')
          .refine((name) => !name.toLowerCase().startsWith(RESERVED_ATTRIBUTE_PREFIX), {
            message: `attribute names starting with "${RESERVED_ATTRIBUTE_PREFIX}" are reserved`,
          }),
        z.string().min(1, 'attribute values must not be empty'),
      )
      .refine((attrs) => Object.keys(attrs).length <= MAX_USER_ATTRIBUTES, {
        message: `at most ${MAX_USER_ATTRIBUTES} attributes`,
      })
      .optional()
      .meta({
        description: `Up to ${MAX_USER_ATTRIBUTES} string attributes, published as SNS message attributes (usable in subscription filter policies) and stored with the record.`,
        example: { source: 'plant-3' },
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
  .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1 to 255 visible ASCII characters')
  .meta({
    description: 'The same key on the same topic always yields the same transaction id, so a retry never creates a second record.',
    example: 'order-4711',
  });

export const StoredRecord = z
  .object({
    transaction_id: z.uuid(),
    topic: z.string().meta({ description: 'Logical topic name.' }),
    message: z.json().meta({ description: 'The message exactly as posted.' }),
    attributes: z.record(z.string(), z.string()),
    published_at: z.iso.datetime().meta({ description: 'When SNS accepted the message.' }),
    received_at: z.iso.datetime().meta({ description: 'When the subscriber stored it.' }),
  })
  .meta({ id: 'Record' });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Machine-readable error code.', example: 'validation_failed' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Turns zod issues into `{field, message}` pairs that name the offending field. */
export function fieldErrorsOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(', '), message: 'unknown field' };
    }
    const field = issue.path.length ? issue.path.map(String).join('.') : '(body)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
    return { field, message };
  });
}
