import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { startLocalDynamo as startDynalite } from '../../devtools/local/runtime/localDynamo';
import { documentClient } from '../../lib/adapters/awsClients';
import { LOCAL_REGION } from '../../lib/wiring/localStack';

/** dynalite for a test file: one server, a fresh ledger table per test that asks for one. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: Awaited<ReturnType<typeof startDynalite>>['client'];
  /** A client of the same dynalite in process, as the local stack's functions have it. */
  readonly inProcessClient: Awaited<ReturnType<typeof startDynalite>>['client'];
  createLedgerTable(): Promise<string>;
  /** Requests received, by operation. */
  calls(): Record<string, number>;
  stop(): Promise<void>;
}

let tableCounter = 0;

export const startLocalDynamo = async (): Promise<LocalDynamo> => {
  const dynamo = await startDynalite();
  return {
    endpoint: dynamo.endpoint,
    client: dynamo.client,
    inProcessClient: documentClient({
      region: LOCAL_REGION,
      transport: inProcessTransport(dynamo.dispatch),
    }),
    createLedgerTable: () => dynamo.ensureLedgerTable(`ledger-${process.pid}-${++tableCounter}`),
    calls: () => dynamo.calls(),
    stop: () => dynamo.stop(),
  };
};
