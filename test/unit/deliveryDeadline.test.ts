import { describe, expect, it } from 'vitest';
import { attemptFits, type DeliveryDeadline, NOTICE_LOG_WRITES_MS } from '../../lib/notify/deliveryDeadline';

describe('attemptFits', () => {
  it("asks for the wait, one attempt's timeout and the log's writes; no deadline, no bound", () => {
    const deadline = (leftMs: number): DeliveryDeadline => ({
      leftMs: () => leftMs,
      attemptTimeoutMs: 4_000,
    });
    expect(attemptFits(deadline(4_000 + NOTICE_LOG_WRITES_MS))).toBe(true);
    expect(attemptFits(deadline(4_000 + NOTICE_LOG_WRITES_MS - 1))).toBe(false);
    expect(attemptFits(deadline(4_000 + NOTICE_LOG_WRITES_MS + 250), 250)).toBe(true);
    expect(attemptFits(deadline(4_000 + NOTICE_LOG_WRITES_MS + 249), 250)).toBe(false);
    expect(attemptFits(undefined, 60_000)).toBe(true);
  });
});
