/**
 * 409 `concurrency_exhausted`: a command without If-Match lost the race for its stream to other
 * writers on every retry (SPEC §2, "Concurrency"). Nothing was appended; the client may resend.
 */
export class ConcurrencyExhausted extends Error {
  readonly code = 'concurrency_exhausted';
  constructor(
    readonly stream: string,
    readonly attempts: number,
  ) {
    super(
      `stream ${stream} kept changing under this command: other writers won ${attempts} attempts in a row; nothing was appended, send it again`,
    );
    this.name = 'ConcurrencyExhausted';
  }
}
