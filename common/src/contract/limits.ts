/**
 * Every limit of the message contract, in one place: the publisher enforces them before it answers,
 * the subscriber checks them again on what it receives, and the OpenAPI document states them.
 * AWS limits are checked here too, because the emulators enforce only some of them.
 */

/** SNS accepts at most 256 KiB per message, counting the body and every attribute's name, type and value. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SNS and SQS carry at most 10 message attributes. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const PUBLISH_BATCH_MAX_ENTRIES = 10;
export const SQS_RECEIVE_MAX_MESSAGES = 10;
export const SQS_MAX_WAIT_SECONDS = 20;

/**
 * Deepest nesting of arrays and objects in a message (a scalar is depth 0, `[]` depth 1). The same
 * default as serde_json's recursion limit, so consumers in other languages can read every record.
 */
export const MAX_MESSAGE_DEPTH = 128;

/** Producer attributes per message: the SNS limit minus our reserved attributes and one slot kept for trace context. */
export const MAX_USER_ATTRIBUTES = 4;
/** SNS attribute names: letters, digits, `_`, `-`, `.` (not at either end, never two in a row), no `aws.`/`amazon.` prefix. */
export const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.)(?!.*\.\.)(?!\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/i;
export const MAX_ATTRIBUTE_NAME_LENGTH = 256;

/** How much one POST /ingresar-datos/lote may carry: bounded so a batch's memory and its wait for SNS stay those of a few single requests. */
export const BATCH_MAX_ITEMS = 500;
export const BATCH_MAX_BYTES = 1_048_576;

/** `Idempotency-Key`: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
