/**
 * A latch for "something may have been appended": a signal that arrives before anyone
 * waits is kept, so a notification between a read and the wait is never lost.
 */
export class Wakeup {
  private signalled = false;
  private waiter: (() => void) | null = null;

  signal(): void {
    this.signalled = true;
    this.waiter?.();
  }

  /** Clears the latch; call right before reading. */
  reset(): void {
    this.signalled = false;
  }

  /** Resolves on a signal (or one already latched), or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.signalled) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiter = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}
