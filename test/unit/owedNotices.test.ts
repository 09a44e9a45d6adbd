import { describe, expect, it } from 'vitest';
import type { Notice } from '../../lib/notify/notice';
import type { NotifyOutcome } from '../../lib/notify/notifier';
import { OwedNotices } from '../../lib/notify/owedNotices';
import { sampleAvailablePool } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

const warning = (name: string): Notice => {
  const job = sampleAvailablePool(name, T0).job;
  if (!job) throw new Error('the sample has its job');
  return { kind: 'expiry-warning', job, expiresAtMs: T0 + 100 * MIN } as unknown as Notice;
};

/** A notifier whose log refuses the first `refusals` claims. */
const notifier = (refusals: number) => {
  const sent: string[] = [];
  let left = refusals;
  return {
    sent,
    notify: async (notice: Notice): Promise<NotifyOutcome> => {
      const key = { job: notice.job.name, kind: notice.kind, hop: notice.job.name };
      if (left-- > 0) return { kind: 'failed', key, error: 'ThrottlingException' };
      sent.push(notice.job.name);
      return { kind: 'sent', key, channels: ['slack'] };
    },
  };
};

describe('OwedNotices', () => {
  it('sends an owed notice again at each sweep until the log takes it, then owes it no more', async () => {
    const owed = new OwedNotices();
    owed.keep('warn#a', warning('a'), T0);
    const refusing = notifier(1);
    await owed.sendAgain(refusing, T0 + MIN, new Set(['a']));
    expect(refusing.sent).toEqual([]);
    expect(owed.size).toBe(1);
    await owed.sendAgain(refusing, T0 + 2 * MIN, new Set(['a']));
    expect(refusing.sent).toEqual(['a']);
    expect(owed.size).toBe(0);
  });

  it('owes still a notice the notifier left for a later invocation (deferred)', async () => {
    const owed = new OwedNotices();
    owed.keep('warn#a', warning('a'), T0);
    let deferring = true;
    const sent: string[] = [];
    const notifier = {
      notify: async (notice: Notice): Promise<NotifyOutcome> => {
        const key = { job: notice.job.name, kind: notice.kind, hop: notice.job.name };
        if (deferring) return { kind: 'deferred', key };
        sent.push(notice.job.name);
        return { kind: 'sent', key, channels: ['slack'] };
      },
    };
    await owed.sendAgain(notifier, T0 + MIN, new Set(['a']));
    expect(owed.size).toBe(1);
    deferring = false;
    await owed.sendAgain(notifier, T0 + 2 * MIN, new Set(['a']));
    expect(sent).toEqual(['a']);
    expect(owed.size).toBe(0);
  });

  it('keeps an unsent notice of a fact once: told again, it neither adds a copy nor starts its tries over', async () => {
    const owed = new OwedNotices();
    const ended = { kind: 'job-ended', job: warning('a').job } as Notice;
    const never = notifier(Number.POSITIVE_INFINITY);
    owed.keepUnsent(ended, T0);
    for (let i = 1; i <= 14; i++) await owed.sendAgain(never, T0 + i, new Set());
    owed.keepUnsent(ended, T0 + 20);
    expect(owed.size).toBe(1);
    await owed.sendAgain(never, T0 + 21, new Set());
    await owed.sendAgain(never, T0 + 22, new Set());
    expect(owed.size).toBe(0); // fifteen tries, counted from the first
  });

  it('keeps no unsent "available" or warning: their facts are told again, built from the pool as it is then', () => {
    const owed = new OwedNotices();
    owed.keepUnsent(warning('a'), T0);
    owed.keepUnsent({ kind: 'pool-available', job: warning('a').job } as unknown as Notice, T0);
    expect(owed.size).toBe(0);
  });

  it('sends no warning of an end already past', async () => {
    const owed = new OwedNotices();
    owed.keep('warn#a', { ...warning('a'), expiresAtMs: T0 + 10 * MIN } as Notice, T0);
    const sending = notifier(0);
    await owed.sendAgain(sending, T0 + 10 * MIN, new Set(['a']));
    expect(sending.sent).toEqual([]);
  });

  it('sends nothing while the sweep has no time to spare, and owes it still', async () => {
    const owed = new OwedNotices();
    owed.keep('warn#a', warning('a'), T0);
    const sending = notifier(0);
    await owed.sendAgain(sending, T0 + MIN, new Set(['a']), () => false);
    expect(sending.sent).toEqual([]);
    expect(owed.size).toBe(1);
  });

  it('gives up after fifteen tries, or an hour', async () => {
    const owed = new OwedNotices();
    owed.keep('warn#a', warning('a'), T0);
    const never = notifier(Number.POSITIVE_INFINITY);
    for (let i = 1; i <= 16; i++) await owed.sendAgain(never, T0 + i * MIN, new Set(['a']));
    expect(owed.size).toBe(0);
    owed.keep('warn#b', warning('b'), T0);
    await owed.sendAgain(never, T0 + 61 * MIN, new Set(['b']));
    expect(owed.size).toBe(0);
  });

  it('sends the warning of a pool only while it is Available (another account sweeps its own pools)', async () => {
    const owed = new OwedNotices();
    owed.keep('warn#a', warning('a'), T0);
    const sending = notifier(0);
    await owed.sendAgain(sending, T0 + MIN, new Set(['other']));
    expect(sending.sent).toEqual([]);
    expect(owed.size).toBe(1);
    await owed.sendAgain(sending, T0 + 2 * MIN, new Set(['a']));
    expect(sending.sent).toEqual(['a']);
    // One whose pool ended meanwhile is never sent, and forgotten within the hour.
    owed.keep('warn#b', warning('b'), T0);
    await owed.sendAgain(sending, T0 + 61 * MIN, new Set());
    expect(owed.size).toBe(0);
  });
});
