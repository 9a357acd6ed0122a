import { BATCH_MAX_BYTES, BATCH_MAX_ITEMS } from '@pubsub-ingest/common';

/**
 * Every error code the API answers with, its status and when. The OpenAPI document and the README
 * list these; tests check that every answer names one of them. A client's fault is a 4xx without
 * Retry-After; ours or AWS's is a 503 with it.
 */
export const ERROR_CODES = {
  malformed_json: { status: 400, when: 'the body is not JSON' },
  malformed_body: { status: 400, when: 'the body could not be read' },
  request_aborted: { status: 400, when: 'the client closed the request before the body arrived' },
  invalid_utf8: { status: 400, when: 'the body is not valid UTF-8' },
  invalid_idempotency_key: { status: 400, when: 'Idempotency-Key is empty, longer than 255 characters or not visible ASCII' },
  invalid_id: { status: 400, when: 'the id in /data/{id} is not a UUID' },
  bad_request: { status: 400, when: 'the request is not valid HTTP' },
  unauthenticated: { status: 401, when: 'the request has no Authorization: Bearer credential (see WWW-Authenticate)' },
  invalid_token: { status: 401, when: 'the bearer token is unknown, expired, or a JWT that does not verify for this service' },
  insufficient_scope: { status: 403, when: 'the credential lacks the scope the request needs (publish:<topic>); WWW-Authenticate names it' },
  not_found: { status: 404, when: 'no record with this id is stored (yet), or the credential may not read its topic, or no such route' },
  request_timeout: { status: 408, when: 'the headers or the whole request did not arrive within the time allowed (a slow client)' },
  method_not_allowed: { status: 405, when: 'the method is not allowed on this path (see Allow)' },
  payload_too_large: { status: 413, when: `the body, or the message with its attributes, is larger than SNS accepts (256 KiB); a batch body larger than ${BATCH_MAX_BYTES} bytes` },
  unsupported_media_type: { status: 415, when: 'the body is not application/json (or, for a batch, application/x-ndjson) in UTF-8' },
  rate_limited: { status: 429, when: 'this client sent more messages than its per-second share (RATE_LIMIT_*); Retry-After says when to retry' },
  headers_too_large: { status: 431, when: 'the request headers are too large' },
  validation_failed: { status: 422, when: 'a field is missing, unknown or invalid (details name each one)' },
  unknown_topic: { status: 422, when: 'topic_arn is not a topic this service publishes to' },
  invalid_unicode: { status: 422, when: 'a string or key of the message is not well-formed Unicode (a lone surrogate escape)' },
  too_deep: { status: 422, when: 'the message nests arrays and objects deeper than the limit' },
  duplicate_key: { status: 422, when: 'an object in the body repeats a key' },
  idempotency_key_reused: { status: 422, when: 'the Idempotency-Key was first used with a different request' },
  message_rejected: { status: 422, when: 'SNS refused this message itself; sending it again unchanged cannot succeed' },
  too_many_items: { status: 422, when: `a batch holds more than ${BATCH_MAX_ITEMS} items` },
  batch_refused: { status: 422, when: 'no item of a batch was accepted, each for a fault of its own (the items say which)' },
  internal_error: { status: 500, when: 'a fault of the service itself; never expected, always logged' },
  method_not_implemented: { status: 501, when: 'the request method is not one this server knows' },
  publish_throttled: { status: 503, when: 'SNS is throttling publishes (with Retry-After)' },
  publish_unavailable: { status: 503, when: 'SNS could not be reached or did not take the message (with Retry-After)' },
  overloaded: { status: 503, when: 'too many messages are waiting for SNS, or too many request body bytes are held at once (with Retry-After)' },
  auth_unavailable: { status: 503, when: 'the identity provider\'s keys (JWKS) cannot be fetched to check a JWT (with Retry-After)' },
  database_unavailable: { status: 503, when: 'the database cannot be reached (with Retry-After)' },
} as const satisfies Record<string, { status: number; when: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes answered with one status, for the OpenAPI document's response descriptions. */
export function codesWithStatus(status: number): string {
  return Object.entries(ERROR_CODES)
    .filter(([, entry]) => entry.status === status)
    .map(([code, entry]) => `\`${code}\`: ${entry.when}`)
    .join('; ');
}
