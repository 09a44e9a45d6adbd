import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SweepWakes } from '../../ports/sweepWakes';
import { type ClientTransport, transportSettings, withTransport } from '../awsClients';

/*
 * EventBridge Scheduler, as poolwarden's wakes use it. Sources: the Scheduler User Guide
 * (docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html, managing-schedule-delete.html,
 * managing-schedule-context-attributes.html) and API Reference (APIReference/API_CreateSchedule.html).
 * - A one-time schedule is `at(yyyy-mm-ddThh:mm:ss)`, evaluated in ScheduleExpressionTimezone
 *   (UTC here, named explicitly). Every schedule invokes its target with 60 s precision: one set
 *   for 10:07 invokes between 10:07:00 and 10:07:59 when FlexibleTimeWindow is OFF. Wakes are on
 *   whole minutes for that reason, and so that the askers of one minute meet in one schedule.
 * - ActionAfterCompletion DELETE: a one-time schedule is deleted after it has invoked its target
 *   once, so wakes do not pile up towards the account's schedule quota.
 * - Name: 1 to 64 of [0-9a-zA-Z-_.], unique within its schedule group (`wake-20261201T1007`).
 * - CreateSchedule's errors include ConflictException (HTTP 409) and ThrottlingException.
 *   ASSUMED: creating a name that exists in the group answers ConflictException (the API says
 *   only "can cause an inconsistent state"); it is taken as "already set", a success.
 * - ASSUMED: an at() already in the past when the request arrives (a wake asked in the last
 *   instant of a minute) is accepted and never invokes, or invokes at once; either way the next
 *   wake or the backstop (rate(15 minutes)) sweeps. Wakes are asked for the next minute strictly
 *   after now to keep this rare.
 * - The target's RetryPolicy is the sweep's own: no retries, an event at most 60 s old (a sweep a
 *   minute late is the next minute's). Its Input is the event the function receives: `time` is the
 *   wake's instant, from which the sweep counts its catch-up listings (events/scheduledEvent.ts).
 *   The backstop (serverless.yml) puts `<aws.scheduler.scheduled-time>` there, a context attribute
 *   the Scheduler replaces with the instant it was due (managing-schedule-context-attributes.html).
 * - ASSUMED: the Scheduler invokes a Lambda target asynchronously, so the function's own async
 *   settings (no retries, events at most 60 s old) and Lambda's requeue of a throttled event (a
 *   wake due while a sweep runs: reserved concurrency 1) apply as they did to the minute rule.
 */

/** Where the wakes go: the deployment's schedule group, the sweep function, the role the Scheduler assumes. */
export interface WakeTarget {
  readonly group: string;
  readonly functionArn: string;
  readonly roleArn: string;
}

/** The schedule's name for a wake at `atMs`: its UTC minute, so that every asker of that minute names one schedule. */
export const wakeName = (atMs: number): string => {
  const iso = new Date(atMs).toISOString();
  return `wake-${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
};

/** The at() expression of a whole UTC minute. */
export const wakeExpression = (atMs: number): string => `at(${new Date(atMs).toISOString().slice(0, 16)}:00)`;

/** What the sweep receives when its wake fires: `time` as an EventBridge scheduled event has it. */
export const wakeInput = (atMs: number): string =>
  JSON.stringify({ source: 'poolwarden.wake', time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z') });

/** One attempt's limit. */
const ATTEMPT_TIMEOUT_MS = 1_000;

export interface SchedulerWakesOptions {
  /** How requests travel, when not over HTTPS (the local stack's in-process stand-in). */
  readonly transport?: ClientTransport;
  /** Attempts per wake (the SDK's retries, for throttling); 2 unless told. */
  readonly maxAttempts?: number;
}

type SchedulerModule = typeof import('@aws-sdk/client-scheduler');

/**
 * Wakes as one-shot EventBridge Scheduler schedules. The client, its module too, is loaded at
 * the first wake asked: a cold start that asks none pays nothing for it. Throttling is left to
 * the SDK's retries, two attempts of at most a second each.
 */
export class SchedulerWakes implements SweepWakes {
  private client: SchedulerClient | undefined;
  /** The client's module, loading or loaded: asked for once per container, not at every wake. */
  private module: Promise<SchedulerModule> | undefined;

  constructor(
    private readonly target: WakeTarget,
    private readonly options: SchedulerWakesOptions = {},
  ) {}

  async wakeAt(atMs: number): Promise<void> {
    // From a chunk beside the bundle (splitting), at the first wake: many invocations ask none, and
    // a cold start that imported the client compiled its schemas and models for nothing.
    this.module ??= import('@aws-sdk/client-scheduler').catch((error: unknown) => {
      // A chunk that could not load is tried again at the next wake, not given up on for good.
      this.module = undefined;
      throw error;
    });
    const scheduler = await this.module;
    const { ConflictException, CreateScheduleCommand } = scheduler;
    try {
      await this.schedulerClient(scheduler).send(
        new CreateScheduleCommand({
          Name: wakeName(atMs),
          GroupName: this.target.group,
          ScheduleExpression: wakeExpression(atMs),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.target.functionArn,
            RoleArn: this.target.roleArn,
            Input: wakeInput(atMs),
            RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
          },
        }),
      );
    } catch (error) {
      // Another asker set this minute's wake first.
      if (error instanceof ConflictException) return;
      throw error;
    }
  }

  private schedulerClient({ SchedulerClient }: SchedulerModule): SchedulerClient {
    if (this.client) return this.client;
    const { transport } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 2;
    this.client = withTransport(
      new SchedulerClient({
        // A wake is one small request: bounded, so that asking can hold no handler long (the
        // Slack route answers within 3 s); a wake not set is the backstop's.
        requestHandler: transport?.requestHandler ?? {
          requestTimeout: ATTEMPT_TIMEOUT_MS,
          connectionTimeout: ATTEMPT_TIMEOUT_MS,
          throwOnRequestTimeout: true,
        },
        ...transportSettings(transport),
        ...(transport?.retryStrategy
          ? { retryStrategy: transport.retryStrategy(maxAttempts) }
          : { maxAttempts }),
      }),
      transport,
    );
    return this.client;
  }
}
