import { startLocalDynamo as startDynalite } from '../../devtools/local/runtime/localDynamo';

/** dynalite for a test file: one server, a fresh ledger table per test that asks for one. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: Awaited<ReturnType<typeof startDynalite>>['client'];
  createLedgerTable(): Promise<string>;
  stop(): Promise<void>;
}

let tableCounter = 0;

export const startLocalDynamo = async (): Promise<LocalDynamo> => {
  const dynamo = await startDynalite();
  return {
    endpoint: dynamo.endpoint,
    client: dynamo.client,
    createLedgerTable: () => dynamo.ensureLedgerTable(`ledger-${process.pid}-${++tableCounter}`),
    stop: () => dynamo.stop(),
  };
};
