/**
 * Something the rider sent that we refuse. `code` is for logs and tests;
 * `riderMessage` is the one plain sentence the rider sees (this is the one
 * place those sentences are written for input errors).
 */
export class InvalidInput extends Error {
  constructor(
    readonly code: string,
    readonly riderMessage: string,
    detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = new.target.name;
  }
}

export class InvalidGpx extends InvalidInput {}
export class InvalidFit extends InvalidInput {}
export class InvalidTcx extends InvalidInput {}
