import type { TrainingJobDescription, TrainingJobs } from '../../ports/trainingJobs';

/** How long a call may take: a fixed budget, or what is left of a deadline when the call starts. */
export type CallBudget = number | (() => number);

/**
 * SageMaker calls that give up after their budget, the SDK's retries included, for a caller that
 * must answer in time (Slack wants its answer within 3 s; throttled, the SDK's adaptive retries
 * can take 20 s and more). An abandoned update is an "unknown" outcome to applyPoolAction; a call
 * with no time left is not sent at all, and is as unknown.
 */
export class BudgetedTrainingJobs implements TrainingJobs {
  constructor(
    private readonly inner: TrainingJobs,
    private readonly budgetMs: CallBudget,
  ) {}

  describe(name: string): Promise<TrainingJobDescription | undefined> {
    return this.inner.describe(name, this.signal());
  }

  setKeepAlive(name: string, seconds: number): Promise<void> {
    return this.inner.setKeepAlive(name, seconds, this.signal());
  }

  private signal(): AbortSignal {
    const budgetMs = Math.floor(typeof this.budgetMs === 'number' ? this.budgetMs : this.budgetMs());
    return budgetMs > 0
      ? AbortSignal.timeout(budgetMs)
      : AbortSignal.abort(new DOMException('no time left to call SageMaker', 'TimeoutError'));
  }
}
