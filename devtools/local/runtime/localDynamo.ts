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
import { dynaliteRequestPath } from './dynaliteRequestPath';
import { takeCreatedDynaliteStore, useLeanDynaliteStore } from './dynaliteStore';
import type { Faults } from './faults';

import type { WireAnswer, WireDispatch, WireRequest } from './inProcessHandler';
import { withRefusedItem } from './refusedItem';

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
const DEAD = {
  status: 400,
  contentType: 'application/x-amz-json-1.0',
  body: JSON.stringify({
    __type: 'com.amazon.coral.validate#ValidationException',
    message: 'simulated crash: the invocation that sent this is gone',
  }),
};

type Listener = (req: unknown, res: unknown) => void;

/**
 * Feeds a request to dynalite's request listener through stand-ins for node's request and
 * response: everything dynalite does (validation, conditions, indexes, storage) runs, the
 * socket and HTTP parsing on both ends do not.
 */
export const dynaliteDispatch = (server: Server): WireDispatch => {
  const [listener] = server.listeners('request') as Listener[];
  if (!listener) throw new Error('dynalite has no request listener');
  const dispatch = dispatchTo(listener);
  return (request) => dispatch(request);
};

/** Told of an answer as it is made, before anyone awaiting it runs (as node's 'finish'). */
type Settled = (answer: WireAnswer) => void;

const dispatchTo =
  (listener: Listener) =>
  (request: WireRequest, settled?: Settled): Promise<WireAnswer> =>
    new Promise<WireAnswer>((resolve, reject) => {
      const req = Object.assign(new EventEmitter(), {
        method: request.method,
        url: request.path,
        headers: request.headers,
      });
      const headers: Record<string, string> = {};
      // What dynalite calls of a response.
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
          const answer = { status: res.statusCode, headers, body: body ?? '' };
          settled?.(answer);
          resolve(answer);
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

const operationOf = (target: string | string[] | undefined): string =>
  (typeof target === 'string' ? target.split('.')[1] : undefined) ?? 'Unknown';

export const startLocalDynamo = async (
  options: { dataDir?: string; port?: number; faults?: Faults } = {},
): Promise<LocalDynamo> => {
  // dynalite loads here, after its in-memory store is made lean (dynaliteStore.ts).
  useLeanDynaliteStore();
  templateDynaliteExpressions();
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  const store = takeCreatedDynaliteStore();
  const [dynaliteHandler, ...more] = server.listeners('request') as Listener[];
  if (!dynaliteHandler || more.length > 0) throw new Error('dynalite has not one request listener');
  server.removeAllListeners('request');
  // In front of dynalite, over HTTP and in process alike: count every request, play dead after
  // a crash, and tell the fault layer of every write that succeeded.
  const counts: Record<string, number> = {};
  const faults = options.faults;
  const admit = (target: string | string[] | undefined): { dead: boolean; isWrite: boolean } => {
    const operation = operationOf(target);
    counts[operation] = (counts[operation] ?? 0) + 1;
    return { dead: faults?.isDead() === true, isWrite: faults !== undefined && WRITES.has(operation) };
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { dead, isWrite } = admit(request.headers['x-amz-target']);
    if (dead) {
      response.writeHead(DEAD.status, { 'content-type': DEAD.contentType });
      response.end(DEAD.body);
      return;
    }
    if (isWrite) {
      response.once('finish', () => {
        if (response.statusCode === 200) faults?.wrote();
      });
    }
    dynaliteHandler(request, response);
  });
  const viaHandler = dispatchTo(dynaliteHandler);
  const requestPath = store ? dynaliteRequestPath(store) : undefined;
  const wrote: Settled = (answer) => {
    if (answer.status === 200) faults?.wrote();
  };
  const serve = (request: WireRequest, settled?: Settled): Promise<WireAnswer> =>
    requestPath?.(request, settled) ?? viaHandler(request, settled);
  const dispatch: WireDispatch = (request) => {
    const { dead, isWrite } = admit(request.headers['x-amz-target']);
    if (dead) return { status: DEAD.status, headers: { 'content-type': DEAD.contentType }, body: DEAD.body };
    const answer = serve(request, isWrite ? wrote : undefined);
    return request.body.includes('ReturnValuesOnConditionCheckFailure')
      ? answer.then((refused) => withRefusedItem(request, refused, serve))
      : answer;
  };
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
    dispatch,
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
