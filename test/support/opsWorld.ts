import { lambdaContext } from '../../devtools/local/runtime/lambdaContext';
import { type LocalDynamo, startLocalDynamo } from '../../devtools/local/runtime/localDynamo';
import { useLocalAwsEnvironment } from '../../devtools/local/runtime/localEnvironment';
import { locationOf, submissionOf } from '../../devtools/local/runtime/traceSubmission';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { SageMakerEmulator } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { startSnsSink } from '../../devtools/local/snsSink';
import { startStsStandIn } from '../../devtools/local/stsStandIn';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import type { Telemetry } from '../../lib/ports/telemetry';
import { parseTraceOrThrow } from '../../lib/trace/parseTrace';
import type { TraceJob } from '../../lib/trace/traceJob';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { LOCAL_HOME, LOCAL_SPOKE_EXTERNAL_ID } from '../../lib/wiring/localStack';
import { Runtime } from '../../lib/wiring/runtime';

/**
 * The local stack, stepped by hand: dynalite, the SageMaker emulator and the real functions on
 * loopback, in virtual time that only moves when the test says so. Unlike runLocal, it can stop
 * in the middle of a trace, while pools are Available, for the CLI to look at and act on.
 * The process environment points the SDK at it until stop().
 */
export interface OpsWorld {
  readonly table: string;
  readonly clock: VirtualClock;
  readonly emulator: SageMakerEmulator;
  readonly endpoints: { readonly dynamodb: string; readonly sagemaker: string };
  /** Moves virtual time to `atMs`, submitting the trace's jobs, delivering events and sweeping every minute. */
  advanceTo(atMs: number): Promise<void>;
  stop(): Promise<void>;
}

const SWEEP_EVERY_MS = 60_000;

/** Trace lines with the fields the tests vary; the rest filled in. */
export const traceOf = (
  jobs: ReadonlyArray<{
    name: string;
    submitAt: string;
    durationSeconds?: number;
    instanceType?: string;
    instanceCount?: number;
    volumeSizeInGB?: number;
    keepAliveSeconds?: number;
    owner: string;
    team: string;
    account?: string;
    region?: string;
  }>,
): readonly TraceJob[] =>
  parseTraceOrThrow(
    jobs
      .map((j) =>
        JSON.stringify({
          name: j.name,
          submitAt: j.submitAt,
          durationSeconds: j.durationSeconds ?? 600,
          outcome: 'Completed',
          roleArn: `arn:aws:iam::${j.account ?? '123456789012'}:role/sagemaker-${j.team}`,
          instanceType: j.instanceType ?? 'ml.g5.xlarge',
          instanceCount: j.instanceCount ?? 1,
          volumeSizeInGB: j.volumeSizeInGB ?? 50,
          keepAliveSeconds: j.keepAliveSeconds ?? 3600,
          tags: { owner: j.owner, team: j.team },
          ...(j.account ? { account: j.account } : {}),
          ...(j.region ? { region: j.region } : {}),
        }),
      )
      .join('\n'),
  );

export const startOpsWorld = async (
  trace: readonly TraceJob[],
  options: { startMs: number; quotas?: Record<string, number>; killSwitch?: boolean },
): Promise<OpsWorld> => {
  const table = 'poolwarden-local-ledger';
  const clock = new VirtualClock(options.startMs);
  const dynamo: LocalDynamo = await startLocalDynamo();
  const sns = await startSnsSink({});
  // The hub reaches the trace's other accounts through their spoke role, as the local stack does.
  const sts = await startStsStandIn({ roleName: 'poolwarden-spoke', externalId: LOCAL_SPOKE_EXTERNAL_ID });
  const emulator = new SageMakerEmulator({ clock, eventStyle: 'mixed', quotas: options.quotas ?? {} });
  const sagemaker = await emulator.start();
  const restore = useLocalAwsEnvironment(
    { dynamodb: dynamo.endpoint, sagemaker, sns: sns.endpoint, sts: sts.endpoint },
    {
      settings: {
        POOLWARDEN_HOME_ACCOUNT: LOCAL_HOME.account,
        POOLWARDEN_HOME_REGION: LOCAL_HOME.region,
        POOLWARDEN_SPOKE_EXTERNAL_ID: LOCAL_SPOKE_EXTERNAL_ID,
        POOLWARDEN_TABLE: table,
        POOLWARDEN_SLACK_MODE: 'off',
        POOLWARDEN_NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:poolwarden-local',
        POOLWARDEN_NOTIFY_EXPIRY_WARNING_SECONDS: '0',
        POOLWARDEN_KILL_SWITCH: options.killSwitch === false ? 'off' : 'on',
      },
    },
  );
  await dynamo.ensureLedgerTable(table);
  const buildRuntime = (telemetry: Telemetry) =>
    new Runtime({
      config: loadConfig(process.env),
      telemetry,
      clock,
      // Events are delivered as they come here: the sweeps' end events are never late and they
      // never watch; one that did would fail loudly rather than go on without waiting.
      pause: {
        until: async () => {
          throw new Error('the ops world moves its own time: its sweeps must not wait');
        },
      },
    });
  const onEvent = createJobStateChangeHandler(buildRuntime);
  const sweep = createSweepHandler(buildRuntime);
  const pending: TrainingJobStateChangeEvent[] = [];
  emulator.subscribe((event) => pending.push(event));
  const jobs = [...trace].sort((a, b) => a.submitAtMs - b.submitAtMs);
  let next = 0;
  let nextSweepAt = Math.floor(options.startMs / SWEEP_EVERY_MS) * SWEEP_EVERY_MS + SWEEP_EVERY_MS;

  return {
    table,
    clock,
    emulator,
    endpoints: { dynamodb: dynamo.endpoint, sagemaker },
    async advanceTo(atMs) {
      for (;;) {
        const due = [jobs[next]?.submitAtMs, emulator.nextDueAt(), nextSweepAt].filter(
          (t): t is number => t !== undefined && t <= atMs,
        );
        if (due.length === 0) break;
        const at = Math.min(...due);
        clock.advanceTo(at);
        emulator.advanceTo(at);
        while (jobs[next] && jobs[next]?.submitAtMs === at) {
          const job = jobs[next++];
          if (job) emulator.submit(submissionOf(job), locationOf(job, LOCAL_HOME));
        }
        while (pending.length > 0) {
          const event = pending.shift();
          if (event) await onEvent(event, lambdaContext('onJobStateChange'));
        }
        if (at === nextSweepAt) {
          await sweep({}, lambdaContext('sweep'));
          nextSweepAt += SWEEP_EVERY_MS;
        }
      }
      clock.advanceTo(atMs);
      emulator.advanceTo(atMs);
      while (pending.length > 0) {
        const event = pending.shift();
        if (event) await onEvent(event, lambdaContext('onJobStateChange'));
      }
    },
    async stop() {
      restore();
      await emulator.stop();
      await sts.close();
      await sns.close();
      await dynamo.stop();
    },
  };
};
