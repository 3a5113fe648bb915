// AMQP's field table (arguments, headers) as JSON carries it (amqplib encodes it the same way): what a client
// sends, what the engine compares and what the listener encodes.
export type FieldValue = null | boolean | number | string | FieldValue[] | { [key: string]: FieldValue };
export type FieldTable = { [key: string]: FieldValue };
