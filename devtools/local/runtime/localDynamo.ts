import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../../../lib/adapters/dynamo/tableDesign';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/wiring/localStack';
import { templateDynaliteExpressions } from './dynaliteExpressions';
import { keepDynaliteStoreAsStrings } from './dynaliteStore';
import type { Faults } from './faults';

import type { WireAnswer, WireDispatch } from './inProcessHandler';

/** dynalite on an ephemeral loopback port: in memory, or on disk under `dataDir`. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  /** dynalite's own request handling in this process, no socket (the in-process transport). */
  readonly dispatch: WireDispatch;
  /** Creates the ledger table unless it already exists (a --data-dir run keeps it). */
  ensureLedgerTable(name: string): Promise<string>;
  /** Requests received, by operation: what DynamoDB would bill. */
  calls(): Record<string, number>;
  stop(): Promise<void>;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** What a dead process's request gets: an error the SDK does not retry. */
const refuseAsDead = (response: ServerResponse) => {
  response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(
    JSON.stringify({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: 'simulated crash: the invocation that sent this is gone',
    }),
  );
};

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
      // What dynalite and the fault layer in front of it call of a response; 'finish' as node emits it.
      const res = Object.assign(new EventEmitter(), {
        statusCode: 200,
        contentType: '',
        setHeader(name: string, value: string | number) {
          headers[name.toLowerCase()] = String(value);
        },
        writeHead(status: number, more: Record<string, string> = {}) {
          res.statusCode = status;
          for (const [name, value] of Object.entries(more)) headers[name.toLowerCase()] = value;
        },
        end(body?: string) {
          resolve({ status: res.statusCode, headers, body: body ?? '' });
          res.emit('finish');
        },
      });
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
  options: { dataDir?: string; port?: number; faults?: Faults } = {},
): Promise<LocalDynamo> => {
  // dynalite loads here, after its in-memory store is set to keep strings (dynaliteStore.ts).
  keepDynaliteStoreAsStrings();
  templateDynaliteExpressions();
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  // In front of dynalite's own handler: count every request, and play dead after a crash.
  const counts: Record<string, number> = {};
  const dynaliteHandlers = server.listeners('request') as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = request.headers['x-amz-target'];
    const operation = (typeof target === 'string' ? target.split('.')[1] : undefined) ?? 'Unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const faults = options.faults;
    if (faults?.isDead()) {
      refuseAsDead(response);
      return;
    }
    if (faults && WRITES.has(operation)) {
      response.once('finish', () => {
        if (response.statusCode === 200) faults.wrote();
      });
    }
    for (const handler of dynaliteHandlers) handler(request, response);
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
    calls() {
      return { ...counts };
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
