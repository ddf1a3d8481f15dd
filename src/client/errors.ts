// Typed failures of the ccp client: code driving ccp (and the CLI, which maps them to exit codes) branches on the
// class, not on the message.

export class CcpClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CcpClientError';
  }
}

/** Temporal cannot be reached at the address (nothing listens, or it did not answer in time). */
export class UnreachableError extends CcpClientError {
  constructor(message: string, readonly address: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** No running ccp workflow for that parent issue, or no subissue ccp works on with that number. */
export class NotFoundError extends CcpClientError {
  constructor(message: string, readonly what: 'parent' | 'subissue', readonly number: number) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The workflow turned the request down, with its reason (e.g. nothing of the subissue waits for approval). */
export class RefusedError extends CcpClientError {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}
