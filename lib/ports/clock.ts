/** The only way the application reads the time, so tests and the local stack can run in virtual time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
