import { MAX_USER_ATTRIBUTES } from '@pubsub-ingest/common';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { ErrorResponse, IdempotencyKey, IngestAccepted, IngestRequest, StoredRecord } from '../ingest/ingest.schema';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorResponse } },
});
const retryAfter = { 'Retry-After': z.string().meta({ description: 'Seconds to wait before retrying.' }) };

/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function openApiDocument(version = '0.1.0'): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'pubsub-ingest publisher',
      version,
      description:
        'Publishes JSON messages to SNS; a subscriber stores each exactly once in Postgres, readable by transaction id. ' +
        `Messages may carry up to ${MAX_USER_ATTRIBUTES} string attributes.`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {
      '/ingresar-datos': {
        post: {
          operationId: 'ingestData',
          summary: 'Publish a message',
          requestParams: { header: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }) },
          requestBody: { required: true, content: { 'application/json': { schema: IngestRequest } } },
          responses: {
            '202': {
              description: 'SNS acknowledged the message; it will be readable at the Location shortly.',
              headers: z.object({ Location: z.string().meta({ description: '/data/{transaction_id}' }) }),
              content: { 'application/json': { schema: IngestAccepted } },
            },
            '400': errorResponse('malformed_json, malformed_body or invalid_idempotency_key'),
            '413': errorResponse('payload_too_large: the body or the message with its attributes exceeds the SNS limit of 256 KiB'),
            '415': errorResponse('unsupported_media_type: the body is not application/json'),
            '422': errorResponse('validation_failed (details name each field) or unknown_topic'),
            '503': {
              ...errorResponse('publish_unavailable, publish_throttled or overloaded: retry after the given delay'),
              headers: z.object(retryAfter),
            },
          },
        },
      },
      '/data/{id}': {
        get: {
          operationId: 'getRecord',
          summary: 'Read a stored record',
          requestParams: {
            path: z.object({ id: z.uuid().meta({ description: 'The transaction id returned by POST /ingresar-datos.' }) }),
            header: z.object({ 'If-None-Match': z.string().optional() }),
          },
          responses: {
            '200': {
              description: 'The record. Records never change: the ETag is strong and the response is cacheable forever.',
              headers: z.object({ ETag: z.string(), 'Cache-Control': z.string() }),
              content: { 'application/json': { schema: StoredRecord } },
            },
            '304': { description: 'Not modified (If-None-Match matched).' },
            '400': errorResponse('invalid_id: id is not a UUID'),
            '404': errorResponse('not_found: no record with this id has been stored (yet)'),
            '503': { ...errorResponse('database_unavailable'), headers: z.object(retryAfter) },
          },
        },
      },
      '/healthz': { get: { operationId: 'liveness', summary: 'Liveness', responses: { '200': { description: 'The process is alive.' } } } },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary: 'Readiness: the database and SNS are reachable',
          responses: { '200': { description: 'Ready.' }, '503': { description: 'A dependency is unreachable or the service is shutting down.' } },
        },
      },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', responses: { '200': { description: 'Prometheus text format.' } } } },
    },
  });
}
