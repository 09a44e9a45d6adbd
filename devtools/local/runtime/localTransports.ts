import type { RuntimeOptions } from '../../../lib/wiring/runtime';
import type { SageMakerEmulator } from '../sagemaker/sageMakerEmulator';
import { inProcessTransport } from './inProcessHandler';
import type { LocalDynamo } from './localDynamo';

/**
 * The functions' AWS clients, handing their requests to the SageMaker emulator and to dynalite
 * in this process (no dynalite with `--ledger memory`: the stores are in memory instead).
 */
export const inProcessTransports = (
  emulator: SageMakerEmulator,
  dynamo: LocalDynamo | undefined,
): NonNullable<RuntimeOptions['transport']> => ({
  sagemaker: inProcessTransport((request) =>
    emulator.answer({ method: request.method, target: request.headers['x-amz-target'], body: request.body }),
  ),
  ...(dynamo ? { dynamodb: inProcessTransport(dynamo.dispatch) } : {}),
});
