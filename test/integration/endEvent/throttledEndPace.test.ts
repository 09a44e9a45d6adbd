import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import { ListingPace } from '../../../lib/app/listingPace';
import { LEAVE_ALONE, MIN, SweepWorld } from '../../support/sweepWorld';

/** An end event on time whose first handling failed at its describe (SageMaker throttling); Lambda retries a minute later. */
describe('an on-time end event whose first attempt failed at the describe', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  it.each([12, 11])(
    'does not send the account to listing every minute (a job of %i minutes)',
    async (durationMin) => {
      let throttleDescribe = false;
      const w = await new SweepWorld({
        ledger: new MemoryLedger(),
        policy: LEAVE_ALONE,
        throttle: (operation) => throttleDescribe && operation === 'DescribeTrainingJob',
      }).start();
      world = w;
      const pace = new ListingPace();
      const sweep = () => {
        const deps = w.sweepDeps;
        if (!deps.reconciler) throw new Error('no reconciler');
        return w.sweep({ reconciler: { ...deps.reconciler, pace } });
      };
      await sweep();
      // No keep-alive (most jobs); it ends shortly before the reconcile at minute 15 lists.
      w.submit('plain', 0, 30, durationMin * 60);
      let failed: TrainingJobStateChangeEvent | undefined;
      let failedAt = 0;
      for (let minute = 0; minute < 40; minute++) {
        for (const event of w.events.splice(0)) {
          if (event.detail.TrainingJobStatus === 'Completed' && !failed) {
            throttleDescribe = true;
            await expect(w.deliverEvent(event)).rejects.toThrow();
            throttleDescribe = false;
            failed = event;
            failedAt = minute;
          } else await w.deliverEvent(event);
        }
        await sweep();
        if (failed && minute === failedAt + 1) {
          await w.deliverEvent(failed); // Lambda's first retry
          failed = undefined;
        }
        w.advance(MIN);
      }
      expect(w.emulator.model.inspectJob('plain')?.status).toBe('Completed');
      expect(pace.soonerListing).toBe(false);
    },
  );
});
