/** A request the parser refuses: the status to answer with, and why (never sent to the client verbatim). */
export class ParseError extends Error {
  override name = 'ParseError';
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}
