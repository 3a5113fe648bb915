// A refused input, naming where: mapped to a 400 {"error": {"message", "path"}}
// (+ "code": "limit" and its "params" for a list over the limits table).
import type { LimitExceeded } from '../limits.js';

export class SandboxInputError extends Error {
  constructor(
    message: string,
    readonly path?: string,
    readonly limit?: LimitExceeded,
  ) {
    super(message);
  }
}
