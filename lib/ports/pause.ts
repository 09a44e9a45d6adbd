/**
 * How the application waits for a later instant, so that the local stack and tests wait in
 * virtual time (the clock moves, nothing sleeps) and a deployment waits on a timer.
 */
export interface Pause {
  /** Resolves at `atMs` on the application's clock (at once when that has passed). */
  until(atMs: number): Promise<void>;
}
