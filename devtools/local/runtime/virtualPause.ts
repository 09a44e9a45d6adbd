import type { Pause } from '../../../lib/ports/pause';

/** How far a piece of work driven in virtual time got: it ended (with its value), or it waits. */
export type Step<T> = { readonly done: true; readonly value: T } | { readonly done: false };

/**
 * The local stack's pause: a function waiting for a later virtual instant hands the runner its
 * loop back (nothing sleeps); the runner moves time on, delivers what falls due meanwhile, and
 * resumes it at that instant. One waiter at a time: the local stack runs one sweep at a time,
 * as the deployed sweep's reserved concurrency of one does.
 */
export class VirtualPause implements Pause {
  private waiter: { readonly atMs: number; readonly wake: () => void } | undefined;
  private onWait: (() => void) | undefined;

  until(atMs: number): Promise<void> {
    if (this.waiter) throw new Error('the local stack runs one waiting function at a time');
    const onWait = this.onWait;
    if (!onWait) throw new Error('a function waits in virtual time that the runner does not drive');
    return new Promise((wake) => {
      this.waiter = { atMs, wake };
      onWait();
    });
  }

  /** The instant the waiting function wants to resume at; undefined when none waits. */
  nextDueAt(): number | undefined {
    return this.waiter?.atMs;
  }

  /** Starts `run` and drives it until it ends or waits; `work` is what to resume it with. */
  start<T>(run: () => Promise<T>): { readonly work: Promise<T>; readonly step: Promise<Step<T>> } {
    const waited = this.arm<T>();
    // Armed before it runs: it may wait before its first await returns.
    const work = run();
    return { work, step: this.race(work, waited) };
  }

  /** Resumes the waiting `work` (its instant has come) until it ends or waits again. */
  resume<T>(work: Promise<T>): Promise<Step<T>> {
    const waiter = this.waiter;
    if (!waiter) throw new Error('nothing waits to be resumed');
    this.waiter = undefined;
    const waited = this.arm<T>();
    waiter.wake();
    return this.race(work, waited);
  }

  /** A step that resolves as waiting the moment the driven function waits. */
  private arm<T>(): Promise<Step<T>> {
    return new Promise<Step<T>>((resolve) => {
      this.onWait = () => resolve({ done: false });
    });
  }

  private race<T>(work: Promise<T>, waited: Promise<Step<T>>): Promise<Step<T>> {
    const ended = work.then((value): Step<T> => ({ done: true, value }));
    return Promise.race([waited, ended]).finally(() => {
      this.onWait = undefined;
    });
  }
}
