import { describe, expect, it } from 'vitest';
import { MemorySweepWakes } from '../../lib/adapters/scheduler/memorySweepWakes';
import { WAKES_NOT_SCHEDULED_METRIC, WakeAsker } from '../../lib/app/wakeAsker';
import type { Telemetry } from '../../lib/ports/telemetry';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');

const recording = () => {
  const errors: Array<{ message: string; fields: unknown }> = [];
  const counts: string[] = [];
  const telemetry: Telemetry = {
    info: () => {},
    warn: () => {},
    error: (message, fields) => errors.push({ message, fields }),
    count: (metric) => counts.push(metric),
  };
  return { telemetry, errors, counts };
};

describe('asking for wakes', () => {
  it('asks once per minute while that wake stands, and again once it has passed', async () => {
    const wakes = new MemorySweepWakes();
    const asker = new WakeAsker(wakes, recording().telemetry);
    await asker.ask([T0 + MIN, T0 + 2 * MIN], T0);
    await asker.ask([T0 + MIN], T0 + 10_000);
    expect(wakes.asked).toBe(2);
    await asker.ask([T0 + MIN], T0 + MIN);
    expect(wakes.asked).toBe(3);
  });

  it('a wake that cannot be set is logged and counted, never thrown: the backstop sweeps instead', async () => {
    const wakes = new MemorySweepWakes();
    wakes.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { telemetry, errors, counts } = recording();
    const asker = new WakeAsker(wakes, telemetry);
    await expect(asker.ask([T0 + MIN], T0)).resolves.toBeUndefined();
    expect(counts).toEqual([WAKES_NOT_SCHEDULED_METRIC]);
    expect(errors[0]?.message).toMatch(/backstop/);
    expect(errors[0]?.fields).toEqual({
      at: '2026-12-01T10:01:00.000Z',
      error: 'ThrottlingException: Rate exceeded',
    });
    // Not remembered as set: the next asker tries again.
    wakes.failWith = undefined;
    await asker.ask([T0 + MIN], T0 + 1);
    expect([...wakes.wakes]).toEqual([T0 + MIN]);
  });
});
