import { describe, expect, it } from 'vitest';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { useLocalAwsEnvironment } from '../../devtools/local/runtime/localEnvironment';
import { SchedulerStandIn } from '../../devtools/local/scheduler/schedulerStandIn';
import { SchedulerWakes } from '../../lib/adapters/scheduler/schedulerWakes';

const MIN = 60_000;
const AT = Date.parse('2026-12-01T10:07:00Z');
const TARGET = {
  group: 'poolwarden-local',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:poolwarden-local-sweep',
  roleArn: 'arn:aws:iam::123456789012:role/poolwarden-local-wakes',
};

const withStandIn = async (run: (standIn: SchedulerStandIn, wakes: SchedulerWakes) => Promise<void>) => {
  const restore = useLocalAwsEnvironment({ dynamodb: undefined, sagemaker: undefined, sns: undefined });
  try {
    const standIn = new SchedulerStandIn('123456789012', 'us-east-1', ['poolwarden-local']);
    await run(standIn, new SchedulerWakes(TARGET, { transport: inProcessTransport(standIn.dispatch) }));
  } finally {
    restore();
  }
};

describe('the local Scheduler stand-in, through the real SDK client', () => {
  it('keeps one schedule per minute, fires each once when due, and counts every request', async () => {
    await withStandIn(async (standIn, wakes) => {
      await wakes.wakeAt(AT);
      await wakes.wakeAt(AT); // ConflictException: already set
      await wakes.wakeAt(AT + 2 * MIN);
      expect(standIn.calls()).toEqual({ CreateSchedule: 3 });
      expect(standIn.nextDueAt()).toBe(AT);
      expect(standIn.takeDue(AT - 1)).toEqual([]);
      const fired = standIn.takeDue(AT + MIN);
      expect(fired.map((s) => s.name)).toEqual(['wake-20261201T1007']);
      expect(JSON.parse(fired[0]?.input ?? '{}')).toMatchObject({ time: '2026-12-01T10:07:00Z' });
      // Deleted once fired: the same minute may be set again.
      expect(standIn.nextDueAt()).toBe(AT + 2 * MIN);
      await wakes.wakeAt(AT);
      expect(standIn.nextDueAt()).toBe(AT);
    });
  });

  it('refuses a group that does not exist, as the Scheduler does', async () => {
    await withStandIn(async (standIn) => {
      const stranger = new SchedulerWakes(
        { ...TARGET, group: 'elsewhere' },
        { transport: inProcessTransport(standIn.dispatch), maxAttempts: 1 },
      );
      await expect(stranger.wakeAt(AT)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect(standIn.nextDueAt()).toBeUndefined();
    });
  });
});
