import { describe, expect, it } from 'vitest';
import { scheduledEvent } from '../../devtools/local/runtime/scheduledEvent';
import { scheduledAtMs } from '../../lib/events/scheduledEvent';

describe('the instant a scheduled event was due', () => {
  it("reads EventBridge's `time`, to the second", () => {
    expect(scheduledAtMs({ 'detail-type': 'Scheduled Event', time: '2026-03-02T12:01:00Z' })).toBe(
      Date.parse('2026-03-02T12:01:00Z'),
    );
  });

  it('the local stack sends what the deployed rule sends', () => {
    const atMs = Date.parse('2026-03-02T12:01:00.750Z');
    expect(scheduledAtMs(scheduledEvent(atMs))).toBe(Date.parse('2026-03-02T12:01:00Z'));
  });

  it('none for a forced reconcile, an empty event or a time that does not parse', () => {
    expect(scheduledAtMs({ reconcile: true })).toBeUndefined();
    expect(scheduledAtMs({})).toBeUndefined();
    expect(scheduledAtMs(null)).toBeUndefined();
    expect(scheduledAtMs({ time: 'yesterday' })).toBeUndefined();
    expect(scheduledAtMs({ time: 1_700_000_000_000 })).toBeUndefined();
  });
});
