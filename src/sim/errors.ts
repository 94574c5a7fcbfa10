/** A simulator request that can't be done, with the HTTP status that says why. */
export class SimError extends Error {
  constructor(
    readonly status: 400 | 403 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

/** Someone asked for a chat or card that is not theirs. */
export class SimAccessError extends SimError {
  constructor(message: string) {
    super(403, message);
    this.name = 'SimAccessError';
  }
}
