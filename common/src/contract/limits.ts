/** Limits AWS enforces; the emulator checks only some of them, so we check them all ourselves. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SNS and SQS both carry at most 10 message attributes. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const PUBLISH_BATCH_MAX_ENTRIES = 10;
export const SQS_RECEIVE_MAX_MESSAGES = 10;
export const SQS_MAX_WAIT_SECONDS = 20;
