import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
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

import type { WireAnswer, WireDispatch } from './inProcessHandler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './localAccount';

export { LOCAL_CREDENTIALS, LOCAL_REGION } from './localAccount';

/** dynalite on an ephemeral loopback port: in memory, or on disk under `dataDir`. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  /** dynalite's own request handling in this process, no socket (the in-process transport). */
  readonly dispatch: WireDispatch;
  /** Creates the ledger table unless it already exists (a --data-dir run keeps it). */
  ensureLedgerTable(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Feeds a request to dynalite's request listener through stand-ins for node's request and
 * response: everything dynalite does (validation, conditions, indexes, storage) runs, the
 * socket and HTTP parsing on both ends do not.
 */
const dispatchTo = (server: Server): WireDispatch => {
  const [listener] = server.listeners('request') as ((req: unknown, res: unknown) => void)[];
  if (!listener) throw new Error('dynalite has no request listener');
  return (request) =>
    new Promise<WireAnswer>((resolve, reject) => {
      const req = Object.assign(new EventEmitter(), {
        method: request.method,
        url: request.path,
        headers: request.headers,
      });
      const headers: Record<string, string> = {};
      const res = {
        statusCode: 200,
        contentType: '',
        setHeader(name: string, value: string | number) {
          headers[name.toLowerCase()] = String(value);
        },
        end(body?: string) {
          resolve({ status: res.statusCode, headers, body: body ?? '' });
        },
      };
      try {
        listener(req, res);
        if (request.body) req.emit('data', Buffer.from(request.body, 'utf8'));
        req.emit('end');
      } catch (error) {
        reject(error);
      }
    });
};

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
    dispatch: dispatchTo(server),
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
