import type { Clock } from './clock';

/**
 * How the application waits for a later instant, so that the local stack and tests wait in
 * virtual time (the clock moves, nothing sleeps) and a deployment waits on a timer.
 */
export interface Pause {
  /** Resolves at `atMs` on the application's clock (at once when that has passed). */
  until(atMs: number): Promise<void>;
}

/** A deployment's pause: a timer, against the same clock the application reads. */
export const timerPause = (clock: Clock): Pause => ({
  until: (atMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - clock.now()))),
});
