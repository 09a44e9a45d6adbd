import {
  ConflictException,
  CreateScheduleCommand,
  SchedulerClient,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SchedulerWakes,
  wakeExpression,
  wakeInput,
  wakeName,
} from '../../lib/adapters/scheduler/schedulerWakes';
import { scheduledAtMs } from '../../lib/events/scheduledEvent';

const scheduler = mockClient(SchedulerClient);
const TARGET = {
  group: 'poolwarden-test',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:poolwarden-test-sweep',
  roleArn: 'arn:aws:iam::123456789012:role/poolwarden-test-SweepWakeRole',
};
const AT = Date.parse('2026-12-01T10:07:00Z');

beforeEach(() => scheduler.reset());

describe('wakes as EventBridge Scheduler one-shot schedules', () => {
  it('names the schedule for its UTC minute and fires the sweep once then, with no retry', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await new SchedulerWakes(TARGET, { maxAttempts: 1 }).wakeAt(AT);
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: 'wake-20261201T1007',
        GroupName: 'poolwarden-test',
        ScheduleExpression: 'at(2026-12-01T10:07:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: TARGET.functionArn,
          RoleArn: TARGET.roleArn,
          Input: wakeInput(AT),
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        },
      },
    ]);
    // The sweep counts its minute from the wake's instant, as from a scheduled event's.
    expect(scheduledAtMs(JSON.parse(wakeInput(AT)))).toBe(AT);
    expect(wakeName(AT)).toMatch(/^[0-9a-zA-Z-_.]{1,64}$/);
    expect(wakeExpression(Date.parse('2027-01-09T00:00:00Z'))).toBe('at(2027-01-09T00:00:00)');
  });

  it('a wake another asker set first is set: ConflictException is a success', async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        Message: 'Schedule wake-20261201T1007 already exists.',
        message: 'Schedule wake-20261201T1007 already exists.',
        $metadata: {},
      }),
    );
    await expect(new SchedulerWakes(TARGET, { maxAttempts: 1 }).wakeAt(AT)).resolves.toBeUndefined();
  });

  it('a throttled Scheduler fails the wake, for the asker to log (app/wakeAsker.ts)', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(
        new ThrottlingException({ Message: 'Rate exceeded', message: 'Rate exceeded', $metadata: {} }),
      );
    await expect(new SchedulerWakes(TARGET, { maxAttempts: 1 }).wakeAt(AT)).rejects.toThrow('Rate exceeded');
  });
});
