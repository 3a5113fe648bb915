// A refused input, naming where: mapped to a 400 {"error": {"message", "path"}}.
export class SandboxInputError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
