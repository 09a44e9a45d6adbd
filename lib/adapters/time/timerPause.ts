import type { Clock } from '../../ports/clock';
import type { Pause } from '../../ports/pause';

/** A deployment's pause: a timer, against the same clock the application reads. */
export const timerPause = (clock: Clock): Pause => ({
  until: (atMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - clock.now()))),
});
