import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { tableDefinition } from '../../adapters/dynamo/tableDesign';

import { LOCAL_CREDENTIALS, LOCAL_REGION } from './localAccount';

export { LOCAL_CREDENTIALS, LOCAL_REGION } from './localAccount';

/** dynalite on an ephemeral loopback port: in memory, or on disk under `dataDir`. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  /** Creates the ledger table unless it already exists (a --data-dir run keeps it). */
  ensureLedgerTable(name: string): Promise<string>;
  stop(): Promise<void>;
}

export const startLocalDynamo = async (
  options: { dataDir?: string; port?: number } = {},
): Promise<LocalDynamo> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    async ensureLedgerTable(name) {
      try {
        await raw.send(new DescribeTableCommand({ TableName: name }));
        return name;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      await raw.send(new CreateTableCommand(tableDefinition(name)));
      await waitUntilTableExists({ client: raw, maxWaitTime: 10, minDelay: 0.05 }, { TableName: name });
      return name;
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
