import { BATCH_MAX_BYTES, BATCH_MAX_ITEMS, MAX_USER_ATTRIBUTES } from '@pubsub-ingest/common';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { codesWithStatus } from '../http/error-catalogue';
import { BatchItem, BatchResult, ErrorResponse, IdempotencyKey, IngestAccepted, IngestRequest, StoredRecord } from '../publish/publish.schema';

const errorResponse = (status: number, extra = '') => ({
  description: `${codesWithStatus(status)}${extra}`,
  content: { 'application/json': { schema: ErrorResponse } },
});
const retryAfter = z.object({ 'Retry-After': z.string().meta({ description: 'Seconds to wait before retrying.' }) });
const wwwAuthenticate = z.object({ 'WWW-Authenticate': z.string().meta({ description: 'The Bearer challenge (RFC 6750), with error and scope when a credential was sent.' }) });
const allow = z.object({ Allow: z.string().meta({ description: 'The methods this path accepts.' }) });

export interface OpenApiOptions {
  /** Topic names and ARNs this instance accepts; the served document lists them, the committed one does not. */
  topics?: string[];
  version?: string;
  /** Whether the routes need a bearer credential (AUTH_MODE=on); the committed document shows them as production serves them. */
  auth?: boolean;
  /** Whether /readyz and /metrics are on this port; not when HEALTH_PORT gives them a listener of their own. */
  health?: boolean;
}

// The committed document lists them for every deployment; where they answer depends on HEALTH_PORT.
const onHealthPort = 'On the API port without HEALTH_PORT; with it (as the Helm chart deploys the publisher), only on the health listener, and the API port answers 404.';

/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function openApiDocument({ topics, version = '0.1.0', auth = true, health = true }: OpenApiOptions = {}): ReturnType<typeof createDocument> {
  const topicArn = topics?.length ? { topic_arn: IngestRequest.shape.topic_arn.meta({ override: { enum: topics } }) } : undefined;
  const request = topicArn ? IngestRequest.extend(topicArn).meta({ id: 'IngestRequest' }) : IngestRequest;
  const item = topicArn ? BatchItem.extend(topicArn).meta({ id: 'BatchItem' }) : BatchItem;
  const batchResult = (description: string, headers?: typeof retryAfter) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: BatchResult } },
  });
  // With authentication on, each guarded operation names the scheme and its 401 and 403 answers.
  const guarded = auth
    ? { security: [{ bearer: [] }] }
    : {};
  const unauthorized = { ...errorResponse(401), headers: wwwAuthenticate };
  const authResponses: Record<string, typeof unauthorized> = auth ? { '401': unauthorized, '403': { ...errorResponse(403), headers: wwwAuthenticate } } : {};
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'pubsub-ingest publisher',
      version,
      description:
        'Publishes JSON messages to SNS; a subscriber stores each exactly once in Postgres, readable by transaction id. ' +
        `Messages may carry up to ${MAX_USER_ATTRIBUTES} string attributes. Every error is JSON {"error": {"code", "message", "details"?}}; ` +
        'a client fault is a 4xx without Retry-After, a fault of the service or of AWS a 503 with it.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {
      '/ingresar-datos': {
        post: {
          operationId: 'ingestData',
          ...guarded,
          summary: 'Publish a message',
          requestParams: { header: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }) },
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: {
            '202': {
              description: 'SNS acknowledged the message; it will be readable at the Location shortly.',
              headers: z.object({ Location: z.string().meta({ description: '/data/{transaction_id}' }) }),
              content: { 'application/json': { schema: IngestAccepted } },
              links: {
                GetRecord: {
                  operationId: 'getRecord',
          ...guarded,
                  parameters: { id: '$response.body#/transaction_id' },
                  description: 'The stored record, readable once the subscriber has stored it (404 until then).',
                },
              },
            },
            '400': errorResponse(400),
            ...authResponses,
            '413': errorResponse(413),
            '415': errorResponse(415),
            '422': errorResponse(422),
            '429': { ...errorResponse(429), headers: retryAfter },
            '503': { ...errorResponse(503), headers: retryAfter },
          },
        },
      },
      '/ingresar-datos/lote': {
        post: {
          operationId: 'ingestBatch',
          ...guarded,
          summary: 'Publish many messages in one request',
          description:
            `Up to ${BATCH_MAX_ITEMS} items and ${BATCH_MAX_BYTES} bytes, as a JSON array or as NDJSON (one item per line; blank lines are skipped). ` +
            'Each item is the body of a single POST /ingresar-datos, with its Idempotency-Key as the field idempotency_key, and is checked, claimed and ' +
            'published exactly as that request would be: the answer gives each item, in request order, its own status and transaction id or error. ' +
            'An item answered 202 will be stored exactly once; any other item is not stored unless sent again. ' +
            'Items are handled concurrently: two items with one Idempotency-Key and different content are not ordered, one of them is refused.',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: z.array(item).min(1).max(BATCH_MAX_ITEMS) },
              'application/x-ndjson': { schema: z.string().meta({ description: 'One BatchItem as JSON per line.' }) },
            },
          },
          responses: {
            '202': batchResult('Every item was accepted: SNS acknowledged each of them.'),
            '207': batchResult('Some items were accepted and some not; each item says which. Send again only the items not answered 202 (503 ones after their retry_after_seconds).'),
            '400': errorResponse(400),
            ...authResponses,
            '413': errorResponse(413),
            '415': errorResponse(415),
            '422': {
              description: `The body is not a batch (Error), or no item was accepted and none may succeed later (BatchResult with ${'`batch_refused`'}). ${codesWithStatus(422)}`,
              content: { 'application/json': { schema: z.union([ErrorResponse, BatchResult]) } },
            },
            '429': { ...errorResponse(429), headers: retryAfter },
            '503': batchResult('No item was accepted and some may be later: a dependency is unavailable. Retry after Retry-After.', retryAfter),
          },
        },
      },
      '/data/{id}': {
        get: {
          operationId: 'getRecord',
          ...guarded,
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
            '400': errorResponse(400),
            ...(auth ? { '401': unauthorized } : {}),
            '404': errorResponse(404, auth ? ' A record of a topic the credential may not read is answered as not found.' : ''),
            '429': { ...errorResponse(429), headers: retryAfter },
            '503': { ...errorResponse(503), headers: retryAfter },
          },
        },
      },
      '/healthz': { get: { operationId: 'liveness', summary: 'Liveness', description: 'On the API port (for a load balancer\'s checks) and, with HEALTH_PORT, on the health listener too.', responses: { '200': { description: 'The process is alive.' } } } },
      ...(health
        ? {
            '/readyz': {
              get: {
                operationId: 'readiness',
                summary: 'Readiness: the database and SNS are reachable',
                description: onHealthPort,
                responses: { '200': { description: 'Ready; status degraded when the database serves only in part (Citus workers unreachable).' }, '503': { description: 'A dependency is unreachable or the service is shutting down.' } },
              },
            },
            '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', description: onHealthPort, responses: { '200': { description: 'Prometheus text format.' } } } },
          }
        : {}),
    },
    components: {
      ...(auth
        ? {
            securitySchemes: {
              bearer: {
                type: 'http',
                scheme: 'bearer',
                description: 'An opaque token issued by the operators, or a JWT of the configured identity provider. Scopes: publish:<topic>, read:<topic>, or * for every topic.',
              },
            },
          }
        : {}),
      responses: {
        MethodNotAllowed: { description: 'Any other method on a known path: 405 method_not_allowed, JSON, with Allow.', headers: allow, content: { 'application/json': { schema: ErrorResponse } } },
      },
    },
  });
}
