import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { SageMakerApi } from '../../devtools/local/sagemaker/sageMakerApi';
import { WarmPoolModel } from '../../devtools/local/sagemaker/warmPoolModel';
import { sampleSubmission } from '../support/sampleSubmission';

type ListPage = { TrainingJobSummaries: { TrainingJobName: string }[]; NextToken?: string };

/**
 * ListTrainingJobs takes MaxResults jobs first and filters them by status afterwards, as the
 * API reference says for StatusEquals (assumed for WarmPoolStatusEquals): a page may be empty
 * and still carry a NextToken.
 */
describe('the emulator pages ListTrainingJobs before it filters by status', () => {
  it('answers empty pages with a NextToken, and every page together lists every match', () => {
    const clock = new VirtualClock(Date.parse('2026-03-02T12:00:00Z'));
    const model = new WarmPoolModel({ clock });
    const api = new SageMakerApi(model);
    // Ten jobs without a pool, then one with: only the last page holds an Available pool.
    for (let i = 0; i < 10; i++) model.submit(sampleSubmission(`cold-${i}`, { keepAliveSeconds: 0 }));
    clock.advanceTo(clock.now() + 1000);
    model.advanceTo(clock.now());
    model.submit(sampleSubmission('warm', { volumeSizeInGB: 80 }));
    clock.advanceTo(clock.now() + 20 * 60_000);
    model.advanceTo(clock.now());

    const pages: ListPage[] = [];
    let token: string | undefined;
    do {
      const page = api.handle('ListTrainingJobs', {
        WarmPoolStatusEquals: 'Available',
        MaxResults: 4,
        ...(token ? { NextToken: token } : {}),
      }) as ListPage;
      pages.push(page);
      token = page.NextToken;
    } while (token);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toMatchObject({ TrainingJobSummaries: [], NextToken: expect.any(String) });
    expect(pages.flatMap((p) => p.TrainingJobSummaries.map((s) => s.TrainingJobName))).toEqual(['warm']);
  });
});

describe('the changed-since listing (LastModifiedTimeAfter)', () => {
  type Summary = { TrainingJobName: string; LastModifiedTime: number };
  const listAll = (api: SageMakerApi, filter: Record<string, unknown>): Summary[] => {
    const summaries: Summary[] = [];
    let token: string | undefined;
    do {
      const page = api.handle('ListTrainingJobs', {
        ...filter,
        MaxResults: 7,
        ...(token ? { NextToken: token } : {}),
      }) as { TrainingJobSummaries: Summary[]; NextToken?: string };
      summaries.push(...page.TrainingJobSummaries);
      token = page.NextToken;
    } while (token);
    return summaries;
  };

  it('lists exactly the jobs of the whole history modified after the instant, in order', () => {
    const start = Date.parse('2026-03-02T12:00:00Z');
    const clock = new VirtualClock(start);
    const model = new WarmPoolModel({ clock });
    const api = new SageMakerApi(model);
    // Jobs of several lengths, some sharing an instant and a pool, one stopped: LastModifiedTimes
    // interleave and some move a millisecond past the clock.
    for (let i = 0; i < 40; i++) {
      model.submit(
        sampleSubmission(`job-${i}`, { durationSeconds: 60 * (1 + (i % 5)), volumeSizeInGB: 50 + (i % 3) }),
      );
      if (i % 4 === 0) model.submit(sampleSubmission(`twin-${i}`, { durationSeconds: 30 }));
      if (i === 10) model.stop('job-9');
      clock.advanceTo(clock.now() + 90_000);
      model.advanceTo(clock.now());
    }
    clock.advanceTo(clock.now() + 3600_000);
    model.advanceTo(clock.now());
    const everything = listAll(api, {});
    expect(everything.length).toBe(50);
    for (let after = start - 1000; after <= clock.now(); after += 37_000) {
      const seconds = after / 1000;
      const expected = everything.filter((s) => s.LastModifiedTime > seconds).map((s) => s.TrainingJobName);
      for (const order of [{}, { SortBy: 'Name', SortOrder: 'Descending' }]) {
        const listed = listAll(api, { LastModifiedTimeAfter: seconds, ...order }).map(
          (s) => s.TrainingJobName,
        );
        expect([...listed].sort()).toEqual([...expected].sort());
        expect(listed).toEqual(
          listAll(api, order)
            .filter((s) => s.LastModifiedTime > seconds)
            .map((s) => s.TrainingJobName),
        );
      }
    }
  });
});

describe('a listing read page by page while jobs change', () => {
  it('answers each page as a fresh emulator would over the same jobs', () => {
    const clock = new VirtualClock(Date.parse('2026-03-02T12:00:00Z'));
    const model = new WarmPoolModel({ clock });
    const api = new SageMakerApi(model);
    for (let i = 0; i < 30; i++)
      model.submit(sampleSubmission(`job-${i}`, { durationSeconds: 60 * (1 + (i % 4)) }));
    for (const query of [
      { WarmPoolStatusEquals: 'Available' },
      { SortBy: 'Status', SortOrder: 'Descending' },
      { LastModifiedTimeAfter: clock.now() / 1000 },
    ]) {
      let token: string | undefined;
      let pages = 0;
      do {
        const request = { ...query, MaxResults: 4, ...(token ? { NextToken: token } : {}) };
        const page = api.handle('ListTrainingJobs', request) as { NextToken?: string };
        expect(page).toEqual(new SageMakerApi(model).handle('ListTrainingJobs', request));
        token = page.NextToken;
        // Jobs start, finish and leave pools between pages.
        clock.advanceTo(clock.now() + 45_000);
        model.advanceTo(clock.now());
        pages++;
      } while (token);
      expect(pages).toBeGreaterThan(3);
    }
  });
});
