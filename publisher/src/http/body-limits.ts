import { BATCH_MAX_BYTES, SNS_MAX_MESSAGE_BYTES } from '@pubsub-ingest/common';

/** A single message's body: JSON escaping can make it several times larger than the message SNS receives; past this it cannot fit. */
export const MESSAGE_BODY_MAX_BYTES = 6 * SNS_MAX_MESSAGE_BYTES;

/** A batch's body. */
export const BATCH_BODY_MAX_BYTES = BATCH_MAX_BYTES;

export const LARGEST_BODY_BYTES = Math.max(MESSAGE_BODY_MAX_BYTES, BATCH_BODY_MAX_BYTES);
