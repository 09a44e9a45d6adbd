import { describe, expect, it } from 'vitest';
import { NOTICE_LOG_WRITES_MS } from '../../lib/notify/deliveryDeadline';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { sweepSafetyMarginMs } from '../../lib/wiring/runtime';

const config = (env: Record<string, string> = {}) =>
  loadConfig({ POOLWARDEN_TABLE: 'poolwarden-test-ledger', ...env });

describe('the sweep’s safety margin', () => {
  it("leaves a pool's work 5 s and its notice the longer of its retry waits and one attempt with the log's writes", () => {
    // Defaults: 8 s of retry waits against a 4 s attempt and 3 s of writes.
    expect(sweepSafetyMarginMs(config())).toBe(5_000 + 8_000);
    // Waits shorter than an attempt: the attempt and the writes decide, so the notice can start.
    expect(
      sweepSafetyMarginMs(
        config({ POOLWARDEN_NOTIFY_RETRY_BUDGET_MS: '0', POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS: '6000' }),
      ),
    ).toBe(5_000 + 6_000 + NOTICE_LOG_WRITES_MS);
  });
});
