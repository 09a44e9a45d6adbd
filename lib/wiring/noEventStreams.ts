/**
 * What the Lambda bundles have in place of `@smithy/core/event-streams` (serverless.yml's
 * `custom.esbuild.alias`). The SDK's protocols load that module, by a dynamic import, only for an
 * operation with an event stream, which none of poolwarden's calls has (DynamoDB, SageMaker, SNS,
 * SSM, STS); yet esbuild kept it, and wrapped the SDK modules it shares with every client in lazy
 * initialisers, kept whole (untree-shaken), in every bundle. Should a call ever need it, it fails
 * here, by name.
 */
const leftOut = (): never => {
  throw new Error("event streams are left out of poolwarden's Lambda bundles (lib/wiring/noEventStreams.ts)");
};

export class EventStreamSerde {
  constructor() {
    leftOut();
  }
}

export const eventStreamSerdeProvider = (): never => leftOut();
