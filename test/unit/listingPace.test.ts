import { describe, expect, it } from 'vitest';
import {
  endVerdict,
  LATE_END_GRACE_MS,
  ListingPace,
  ON_TIME_ENDS_TO_SETTLE,
  type RecordedEnd,
  SOONER_LISTING_EVERY_MS,
} from '../../lib/app/listingPace';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const seen = (late: string[], recorded: (string | RecordedEnd)[] = [], pending: string[] = []) => ({
  late,
  recorded: recorded.map((end) => (typeof end === 'string' ? { name: end } : end)),
  pending,
});

describe('ListingPace: when the sweep lists what changed between reconciles', () => {
  it('starts calm and stays calm while every end is recorded before a listing sees it', () => {
    const pace = new ListingPace();
    expect(pace.soonerListing).toBe(false);
    expect(pace.listsSooner(NOW)).toBe(false);
    pace.noteListing(NOW, seen([], ['a', 'b']));
    expect(pace.soonerListing).toBe(false);
    expect(pace.nextListingAtMs()).toBeUndefined();
  });

  it('a late end: the next listing is due a minute after this one, not at the reconcile', () => {
    const pace = new ListingPace();
    pace.noteListing(NOW, seen(['late']));
    expect(pace.soonerListing).toBe(true);
    expect(pace.nextListingAtMs()).toBe(NOW + SOONER_LISTING_EVERY_MS);
    expect(pace.listsSooner(NOW + SOONER_LISTING_EVERY_MS - 1)).toBe(false);
    expect(pace.listsSooner(NOW + SOONER_LISTING_EVERY_MS)).toBe(true);
  });

  it('settles after enough on-time ends in a row; a late one starts the count again', () => {
    const pace = new ListingPace();
    pace.noteListing(NOW, seen(['late']));
    const onTime = (n: number, from: number) => Array.from({ length: n }, (_, i) => `on-time-${from + i}`);
    pace.noteListing(NOW + 1, seen([], onTime(ON_TIME_ENDS_TO_SETTLE - 1, 0)));
    pace.noteListing(NOW + 2, seen(['late-again']));
    pace.noteListing(NOW + 3, seen([], onTime(ON_TIME_ENDS_TO_SETTLE - 1, 100)));
    expect(pace.soonerListing).toBe(true);
    pace.noteListing(NOW + 4, seen([], onTime(1, 200)));
    expect(pace.soonerListing).toBe(false);
  });

  it('an end the sweep adopted, or one counted already, is not an on-time end when read recorded again', () => {
    const pace = new ListingPace();
    pace.noteListing(NOW, seen(['late'], [], ['pending']));
    // Overlapping listings name the same ends again: recorded now, by the sweep or a late event.
    for (let i = 1; i <= 2 * ON_TIME_ENDS_TO_SETTLE; i++)
      pace.noteListing(NOW + i, seen([], ['late', 'pending', 'once']));
    expect(pace.soonerListing).toBe(true);
  });
});

describe('ListingPace: catch-up listings between scheduled sweeps', () => {
  it('a watch listing is judged as any listing but does not move when the next sweep lists', () => {
    const pace = new ListingPace();
    pace.noteListing(NOW, seen(['late']));
    pace.noteCatchUp(NOW + 10_000, seen([], [], ['found-soon']));
    pace.noteCatchUp(NOW + 40_000, seen([]));
    expect(pace.listedAtMs).toBe(NOW);
    expect(pace.changesListedAtMs).toBe(NOW + 40_000);
    expect(pace.nextListingAtMs()).toBe(NOW + SOONER_LISTING_EVERY_MS);
    expect(pace.listsSooner(NOW + SOONER_LISTING_EVERY_MS)).toBe(true);
  });

  it('on-time ends seen by a catch-up listing settle the pace as the sweep would', () => {
    const pace = new ListingPace();
    pace.noteListing(NOW, seen(['late']));
    pace.noteCatchUp(
      NOW + 10_000,
      seen(
        [],
        Array.from({ length: ON_TIME_ENDS_TO_SETTLE }, (_, i) => `on-time-${i}`),
      ),
    );
    expect(pace.soonerListing).toBe(false);
  });

  it('tells the reconcile of a new Available pool recorded late, without a listing; not of one it saw before', () => {
    const pool = (name: string, endedAgoMs: number, observedAtMs = NOW) => ({
      name,
      pool: { status: 'Available' as const, availableSinceMs: observedAtMs - endedAgoMs, observedAtMs },
    });
    const pace = new ListingPace();
    // A container's first sweep only learns what is Available.
    pace.noteAvailable([pool('old', 30 * 60_000)]);
    expect(pace.lateRecordSince).toBe(false);
    pace.noteAvailable([pool('old', 30 * 60_000), pool('on-time', 5_000)]);
    expect(pace.lateRecordSince).toBe(false);
    pace.noteAvailable([pool('on-time', 5_000), pool('late', 5 * 60_000)]);
    expect(pace.lateRecordSince).toBe(true);
    // What the sweeps read is the reconcile's to judge; a pool seen before does not count again.
    pace.reconciled();
    pace.noteAvailable([pool('on-time', 5_000), pool('late', 5 * 60_000)]);
    expect(pace.lateRecordSince).toBe(false);
    expect(pace.soonerListing).toBe(false);
  });
});

describe('endVerdict: whether a recorded end came on time', () => {
  const ENDED = NOW - 30_000;
  it('an end whose event arrived within the grace is on time, even if a listing adopted it first', () => {
    const end = { name: 'e', endedAtMs: ENDED, endEventAtMs: ENDED + LATE_END_GRACE_MS };
    expect(endVerdict(end, true, NOW)).toBe('on-time');
    expect(endVerdict(end, false, NOW)).toBe('on-time');
  });

  it('an end a listing found unrecorded whose event arrived after the grace is late', () => {
    const end = { name: 'e', endedAtMs: ENDED, endEventAtMs: ENDED + LATE_END_GRACE_MS + 1 };
    expect(endVerdict(end, true, NOW)).toBe('late');
  });

  it('an end its event recorded before any listing saw it is on time, even from a retried event', () => {
    // Lambda retries a failed invocation a minute later or more: the arrival is past the grace.
    const end = { name: 'e', endedAtMs: ENDED, endEventAtMs: ENDED + LATE_END_GRACE_MS + 61_000 };
    expect(endVerdict(end, false, NOW)).toBe('on-time');
  });

  it('an end found unrecorded whose event has not come: pending within the grace, then late', () => {
    const end = { name: 'e', endedAtMs: ENDED };
    expect(endVerdict(end, true, ENDED + LATE_END_GRACE_MS)).toBe('pending');
    expect(endVerdict(end, true, ENDED + LATE_END_GRACE_MS + 1)).toBe('late');
  });

  it('an end recorded before any listing saw it, with no arrival on record, is on time (its event recorded it)', () => {
    expect(endVerdict({ name: 'e', endedAtMs: ENDED }, false, NOW + 3_600_000)).toBe('on-time');
    expect(endVerdict({ name: 'e' }, false, NOW)).toBe('on-time');
    expect(endVerdict({ name: 'e' }, true, NOW)).toBe('pending');
  });
});

describe('ListingPace: ends a listing adopted before their event', () => {
  const lagging = () => {
    const pace = new ListingPace();
    pace.noteListing(NOW, seen(['late']));
    return pace;
  };
  const ends = (n: number, from: number) => Array.from({ length: n }, (_, i) => `dear-${from + i}`);

  it('settles once the adopted ends are named again with their events arrived on time', () => {
    const pace = lagging();
    const names = ends(ON_TIME_ENDS_TO_SETTLE, 0);
    // A catch-up listing adopts every end 5 s after it, before its event: pending, awaited.
    pace.noteCatchUp(NOW + 10_000, seen([], [], names));
    expect(names.every((name) => pace.awaits(name))).toBe(true);
    expect(pace.soonerListing).toBe(true);
    // The next listing reads them again: each event came 8 s after its end.
    const arrived = names.map((name) => ({ name, endedAtMs: NOW + 5_000, endEventAtMs: NOW + 13_000 }));
    pace.noteCatchUp(NOW + 30_000, seen([], arrived));
    expect(pace.soonerListing).toBe(false);
    expect(names.some((name) => pace.awaits(name))).toBe(false);
  });

  it('without the arrival an adopted end stays pending, then counts late once the grace is over', () => {
    const pace = lagging();
    pace.noteListing(NOW + 1, seen([], ends(ON_TIME_ENDS_TO_SETTLE - 1, 100)));
    pace.noteCatchUp(NOW + 10_000, seen([], [], ['never']));
    pace.noteCatchUp(NOW + 20_000, seen([], [{ name: 'never', endedAtMs: NOW + 5_000 }]));
    expect(pace.awaits('never')).toBe(true);
    // Its event never came: late, and the run of on-time ends starts again.
    pace.noteCatchUp(NOW + 70_000, seen([], [{ name: 'never', endedAtMs: NOW + 5_000 }]));
    expect(pace.awaits('never')).toBe(false);
    pace.noteCatchUp(NOW + 80_000, seen([], ends(ON_TIME_ENDS_TO_SETTLE - 1, 200)));
    expect(pace.soonerListing).toBe(true);
  });

  it('keeps an awaited end when it forgets the ends it judged, so that it cannot be judged on time for lack of memory', () => {
    const pace = lagging();
    pace.noteCatchUp(NOW + 10_000, seen([], [], ['awaited']));
    // Ten thousand ends judged since: the container forgets which.
    pace.noteListing(NOW + 20_000, seen([], ends(10_000, 1_000)));
    expect(pace.awaits('awaited')).toBe(true);
    // Named again after the grace, its event never came: late, not on time.
    pace.noteListing(NOW + 80_000, seen([], ends(ON_TIME_ENDS_TO_SETTLE - 1, 20_000)));
    pace.noteListing(NOW + 90_000, seen([], [{ name: 'awaited', endedAtMs: NOW + 5_000 }]));
    expect(pace.awaits('awaited')).toBe(false);
    expect(pace.soonerListing).toBe(true);
  });

  it('forgets, with no verdict, an awaited end no listing named again for seven hours', () => {
    const pace = lagging();
    pace.noteCatchUp(NOW + 10_000, seen([], [], ['gone']));
    pace.noteListing(NOW + 7 * 3_600_000 + 10_001, seen([], []));
    expect(pace.awaits('gone')).toBe(false);
  });

  it('an end judged once is not judged again by an overlapping listing', () => {
    const pace = lagging();
    const once = { name: 'once', endedAtMs: NOW, endEventAtMs: NOW + 1_000 };
    for (let i = 1; i <= ON_TIME_ENDS_TO_SETTLE; i++) pace.noteCatchUp(NOW + i * 10_000, seen([], [once]));
    expect(pace.soonerListing).toBe(true);
  });
});
