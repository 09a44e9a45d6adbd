import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withinBudget } from '../../lib/app/withinBudget';

/** Work that ends `ms` after it starts (in fake time). */
const workOf = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('withinBudget', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops waiting at the budget, and not before', async () => {
    const waited = withinBudget(workOf(50), 10);
    let answer: string | undefined;
    void waited.then((a) => {
      answer = a;
    });
    await vi.advanceTimersByTimeAsync(9);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toBe('late');
  });

  it('answers done when the work ends first', async () => {
    const waited = withinBudget(workOf(5), 10);
    await vi.advanceTimersByTimeAsync(5);
    await expect(waited).resolves.toBe('done');
  });

  it('does not wait at all with no time left', async () => {
    await expect(withinBudget(workOf(5), 0)).resolves.toBe('late');
  });

  it('waits for the work with no budget or an infinite one (setTimeout would fire an infinite delay at once)', async () => {
    for (const budget of [undefined, Number.POSITIVE_INFINITY]) {
      let answer: string | undefined;
      void withinBudget(workOf(5_000), budget).then((a) => {
        answer = a;
      });
      await vi.advanceTimersByTimeAsync(4_999);
      expect(answer, String(budget)).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(answer, String(budget)).toBe('done');
    }
  });
});
