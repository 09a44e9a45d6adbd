import type { TrainingJobDescription, TrainingJobs } from '../../ports/trainingJobs';

/**
 * SageMaker calls that give up after `budgetMs`, the SDK's retries included, for a caller that
 * must answer in time (Slack wants its answer within 3 s; throttled, the SDK's adaptive retries
 * can take 20 s and more). An abandoned update is an "unknown" outcome to applyPoolAction.
 */
export class BudgetedTrainingJobs implements TrainingJobs {
  constructor(
    private readonly inner: TrainingJobs,
    private readonly budgetMs: number,
  ) {}

  describe(name: string): Promise<TrainingJobDescription | undefined> {
    return this.inner.describe(name, AbortSignal.timeout(this.budgetMs));
  }

  setKeepAlive(name: string, seconds: number): Promise<void> {
    return this.inner.setKeepAlive(name, seconds, AbortSignal.timeout(this.budgetMs));
  }
}
