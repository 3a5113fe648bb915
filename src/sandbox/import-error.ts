// A refused input, naming where: mapped to a 400 {"error": {"message", "path"}}
// (+ "code": "limit" and its "params" for a list over the limits table),
// the message in the asker's language.
import { WordedError, type Wording } from '../i18n/worded-error.js';
import type { LimitExceeded } from '../limits.js';

export class SandboxInputError extends WordedError {
  constructor(
    wording: Wording,
    readonly path?: string,
    readonly limit?: LimitExceeded,
  ) {
    super(wording);
  }
}
