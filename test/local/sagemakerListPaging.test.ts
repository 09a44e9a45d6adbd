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
