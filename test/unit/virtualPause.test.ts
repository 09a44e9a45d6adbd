import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { VirtualPause } from '../../devtools/local/runtime/virtualPause';

describe('VirtualPause: a function waiting in virtual time hands the runner its loop back', () => {
  it('runs the work until it waits, then resumes it at its instant, until it ends', async () => {
    const clock = new VirtualClock(0);
    const pause = new VirtualPause();
    const seen: number[] = [];
    const { work, step } = pause.start(async () => {
      for (const at of [10, 20]) {
        await pause.until(at);
        seen.push(clock.now());
      }
      return 'done';
    });
    expect(await step).toEqual({ done: false });
    expect(pause.nextDueAt()).toBe(10);
    // Meanwhile the runner moves time on; the work resumes only when told.
    clock.advanceTo(10);
    expect(seen).toEqual([]);
    expect(await pause.resume(work)).toEqual({ done: false });
    expect(pause.nextDueAt()).toBe(20);
    clock.advanceTo(20);
    expect(await pause.resume(work)).toEqual({ done: true, value: 'done' });
    expect(pause.nextDueAt()).toBeUndefined();
    expect(seen).toEqual([10, 20]);
  });

  it('work that never waits ends in one step; a failure is the step’s', async () => {
    const pause = new VirtualPause();
    expect(await pause.start(async () => 1).step).toEqual({ done: true, value: 1 });
    await expect(
      pause.start(async () => {
        throw new Error('crashed');
      }).step,
    ).rejects.toThrow('crashed');
  });

  it('a wait nobody drives is refused rather than left hanging', async () => {
    const pause = new VirtualPause();
    expect(() => pause.until(10)).toThrow(/does not drive/);
  });
});
