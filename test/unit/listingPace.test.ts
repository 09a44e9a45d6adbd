import { describe, expect, it } from 'vitest';
import { ListingPace, ON_TIME_ENDS_TO_SETTLE, SOONER_LISTING_EVERY_MS } from '../../lib/app/listingPace';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const seen = (late: string[], recorded: string[] = [], pending: string[] = []) => ({
  late,
  recorded,
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
