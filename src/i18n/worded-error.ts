// An error whose words come from the catalogs: it keeps how to say itself
// (a function of the translator, so a sentence can be made of translated
// parts) and is worded in the asker's language where it is answered
// (web/errors.ts). Its `message` is the English wording, for logs and scripts.
import { translator, type Translate } from './catalogs.js';

export type Wording = (t: Translate) => string;

const english = translator('en');

export class WordedError extends Error {
  constructor(readonly wording: Wording) {
    super(wording(english));
  }
}

/** A wording of one catalog key. */
export const worded =
  (key: string, params: Record<string, string | number> = {}): Wording =>
  (t) =>
    t(key, params);
