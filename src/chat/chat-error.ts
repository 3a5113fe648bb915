// A refusal the user should read: an HTTP status, a words key (translated by
// the route, in the page's language) and the request field it is about.
export class ChatError extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    readonly path?: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = 'ChatError';
  }
}
