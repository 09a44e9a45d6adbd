import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { processJobStateChange, ReactorsFailedError } from '../../lib/app/processJobStateChange';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { NoticesNotSentError, notificationReactor } from '../../lib/notify/notificationReactor';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { jobEvent, T0 } from '../support/jobEvents';
import { sampleAvailablePool } from '../support/sampleCriteria';
import { throttledNotifier } from '../support/throttledNotifier';

describe('notificationReactor', () => {
  it('fails the event when the notification log cannot be reached, so that the retry sends the notice, once', async () => {
    const clock = { now: () => T0 + 601_000 };
    const { notifier, sent } = throttledNotifier(clock);
    const deps = {
      ledger: new MemoryLedger(),
      trainingJobs: {
        describe: async (name: string) => ({
          name,
          status: 'Completed' as const,
          instanceType: 'ml.g5.xlarge',
          endedAtMs: T0 + 600_000,
          keepAliveSeconds: 3600,
          warmPool: { status: 'Available' as const },
        }),
        setKeepAlive: async () => {},
      },
      clock,
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      describeConcurrency: 2,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      telemetry: silentTelemetry,
      reactors: [notificationReactor({ notifier, clock, expiryWarningLead: 0, concurrency: 2 })],
    };
    const event = jobEvent({ name: 'train-a', status: 'Completed', keepAliveSeconds: 3600 });
    const first = await processJobStateChange(event, deps).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(ReactorsFailedError);
    expect(sent).toEqual([]);
    // Lambda retries the event: the notice goes out now; a third delivery sends nothing more.
    await processJobStateChange(event, deps);
    await processJobStateChange(event, deps);
    expect(sent).toHaveLength(1);
  });

  it('tries every notice before it fails, and names the ones it could not send', async () => {
    const outcomes = ['failed', 'sent'] as const;
    let i = 0;
    const tried: string[] = [];
    const reactor = notificationReactor({
      notifier: {
        notify: async (notice) => {
          tried.push(notice.job.name);
          const kind = outcomes[i++ % 2] ?? 'sent';
          const key = { job: notice.job.name, kind: notice.kind, hop: notice.job.name };
          return kind === 'failed' ? { kind, key, error: 'throttled' } : { kind, key, channels: ['slack'] };
        },
      },
      clock: { now: () => T0 },
      expiryWarningLead: 0,
      concurrency: 1,
    });
    const error = await reactor
      .react(
        ['a', 'b'].map((name) => ({ kind: 'pool-available' as const, job: sampleAvailablePool(name, T0) })),
      )
      .catch((e: unknown) => e);
    expect(tried).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(NoticesNotSentError);
    expect((error as NoticesNotSentError).failed.map((k) => k.job)).toEqual(['a']);
  });
});
