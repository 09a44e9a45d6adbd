import type { FetchFunction } from '@slack/web-api';

/** A fetch whose calls also end when `limit` does, whatever signal each call brings. */
export const fetchWithin =
  (fetchFn: FetchFunction, limit: AbortSignal): FetchFunction =>
  (url, init) =>
    fetchFn(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, limit]) : limit });
