import { validationError } from './apiErrors';
import type { ListTrainingJobsRequest } from './apiRequests';
import { trainingJobSummary } from './apiResponses';
import type { EmulatedJob } from './emulatedJob';

type SortBy = NonNullable<ListTrainingJobsRequest['SortBy']>;
type SortOrder = NonNullable<ListTrainingJobsRequest['SortOrder']>;

/** SageMaker's defaults: 10 results, by creation time, ascending. */
export const DEFAULT_LIST_MAX_RESULTS = 10;

/**
 * A page boundary: the sort key and creation sequence of the last job returned. The next page
 * starts strictly after it, so pages neither skip nor repeat jobs when new ones are created
 * between calls.
 */
interface Cursor {
  readonly by: SortBy;
  readonly order: SortOrder;
  readonly key: string | number;
  readonly seq: number;
}

const sortKey = (job: EmulatedJob, by: SortBy): string | number => {
  switch (by) {
    case 'Name':
      return job.spec.name;
    case 'Status':
      return job.status;
    case 'CreationTime':
      return job.createdAtMs;
  }
};

const compareKeys = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const decodeCursor = (token: string, by: SortBy, order: SortOrder): Cursor => {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      'by' in value &&
      'order' in value &&
      'key' in value &&
      'seq' in value &&
      value.by === by &&
      value.order === order &&
      (typeof value.key === 'string' || typeof value.key === 'number') &&
      typeof value.seq === 'number'
    ) {
      return { by, order, key: value.key, seq: value.seq };
    }
  } catch {
    // fall through: the token is not one of ours
  }
  throw validationError('Invalid pagination token: it does not belong to this query.');
};

const secondsToMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : seconds * 1000;

/** A job a listing may return, with its place in the listing's order. */
export interface ListingRow {
  readonly key: string | number;
  readonly seq: number;
  readonly job: EmulatedJob;
}

const orderOf = (request: ListTrainingJobsRequest) => {
  const by: SortBy = request.SortBy ?? 'CreationTime';
  const order: SortOrder = request.SortOrder ?? 'Ascending';
  const direction = order === 'Ascending' ? 1 : -1;
  const compare = (a: { key: string | number; seq: number }, b: { key: string | number; seq: number }) =>
    direction * (compareKeys(a.key, b.key) || a.seq - b.seq);
  return { by, order, compare };
};

/**
 * The jobs of a ListTrainingJobs query before paging, in its order: the candidates the time and
 * name filters let through. The same for every page of a query while no job changes, so a
 * caller may keep them from page to page.
 */
export const listingRows = (
  candidates: Iterable<EmulatedJob>,
  request: ListTrainingJobsRequest,
): readonly ListingRow[] => {
  const { by, compare } = orderOf(request);
  const createdAfter = secondsToMs(request.CreationTimeAfter);
  const createdBefore = secondsToMs(request.CreationTimeBefore);
  const modifiedAfter = secondsToMs(request.LastModifiedTimeAfter);
  const modifiedBefore = secondsToMs(request.LastModifiedTimeBefore);
  const nameContains = request.NameContains?.toLowerCase();
  const matches = (job: EmulatedJob): boolean =>
    (nameContains === undefined || job.spec.name.toLowerCase().includes(nameContains)) &&
    (createdAfter === undefined || job.createdAtMs > createdAfter) &&
    (createdBefore === undefined || job.createdAtMs < createdBefore) &&
    (modifiedAfter === undefined || job.lastModifiedMs > modifiedAfter) &&
    (modifiedBefore === undefined || job.lastModifiedMs < modifiedBefore);
  const rows: ListingRow[] = [];
  for (const job of candidates) if (matches(job)) rows.push({ key: sortKey(job, by), seq: job.seq, job });
  return rows.sort(compare);
};

/**
 * One page of a ListTrainingJobs query over its rows (listingRows). As SageMaker documents for
 * StatusEquals, a page of MaxResults jobs is taken first and the status filters applied to it
 * afterwards, so a page may come back short, or empty with a NextToken; WarmPoolStatusEquals is
 * assumed to behave the same. The other filters (times, name) narrow the jobs before paging.
 */
export const listingPage = (
  rows: readonly ListingRow[],
  request: ListTrainingJobsRequest,
): { TrainingJobSummaries: Record<string, unknown>[]; NextToken?: string } => {
  const { by, order, compare } = orderOf(request);
  const max = request.MaxResults ?? DEFAULT_LIST_MAX_RESULTS;
  const statusMatches = (job: EmulatedJob): boolean =>
    (request.StatusEquals === undefined || job.status === request.StatusEquals) &&
    (request.WarmPoolStatusEquals === undefined || job.warmPool?.status === request.WarmPoolStatusEquals);

  let start = 0;
  if (request.NextToken) {
    const cursor = decodeCursor(request.NextToken, by, order);
    // Binary search for the first row strictly after the cursor.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const row = rows[mid];
      if (row && compare(row, cursor) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = rows.slice(start, start + max);
  const last = page[page.length - 1];
  const more = start + max < rows.length;
  return {
    TrainingJobSummaries: page
      .filter((row) => statusMatches(row.job))
      .map((row) => trainingJobSummary(row.job)),
    ...(more && last ? { NextToken: encodeCursor({ by, order, key: last.key, seq: last.seq }) } : {}),
  };
};
