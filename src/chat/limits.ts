// The chat's limits, in one place: the API, the page and the decoding of
// messages from outside programs all apply the same ones.

/** Names and rooms: 1–32 letters (any script), digits, "_" or "-". No "." "*" "#": they are words in topic keys. */
export const NAME_MAX = 32;
export const NAME_PATTERN = /^[\p{L}\p{M}\p{N}_-]{1,32}$/u;

/** A chosen inbox or a recipient queue: a plain queue name, as in the report ("task_queue1"). */
export const QUEUE_MAX = 100;
export const QUEUE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/;

/** A message: 1–2000 characters (after trimming); bodies above 4 bytes a character are refused undecoded. */
export const TEXT_MAX = 2000;
export const BODY_MAX_BYTES = TEXT_MAX * 4;

/** Message ids: the page sends UUIDs; outside programs may send any short id. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Unacknowledged messages a server holds per inbox (basic.qos prefetch). */
export const PREFETCH = 100;
