import { createRequire } from 'node:module';
import { answerJson } from './dynaliteStore';
import { compiledCheckTypes } from './dynaliteTypes';
import { compiledValidations } from './dynaliteValidations';
import type { WireAnswer, WireRequest } from './inProcessHandler';

/** An error dynalite's validations and actions hand back: DynamoDB's answer. */
interface DynaliteError extends Error {
  readonly statusCode?: number;
  readonly body?: unknown;
}
type Action = (
  store: object,
  data: unknown,
  done: (error: DynaliteError | null, data?: unknown) => void,
) => void;
interface ActionValidation {
  readonly types: object;
  readonly custom?: (data: unknown, store: object) => string | undefined;
}
interface Validations {
  checkTypes(data: unknown, types: object): unknown;
  checkValidations(data: unknown, types: object, custom: unknown, store: object): void;
}
interface DynaliteDb {
  validationError(message: string): DynaliteError;
}

const dynaliteMain = createRequire(import.meta.url).resolve('dynalite');
const fromDynalite = createRequire(dynaliteMain);

/** dynalite's own list (index.js keeps it private): the operations it serves. */
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;
const APIS = new Set(['DynamoDB_20111205', 'DynamoDB_20120810']);
const AUTH_PARAMETERS = ['Credential', 'Signature', 'SignedHeaders'];

/** Whether an authorization header names a SigV4 signature's parts, as dynalite reads them. */
const hasSignatureParts = (auth: string): boolean => {
  if (auth.trim().slice(0, 5) !== 'AWS4-') return false;
  // The last of a name counts, and it must not be empty.
  const given: Record<string, string | undefined> = {};
  for (const part of auth.split(/,| /).slice(1)) {
    if (!part) continue;
    const [name = '', value] = part.trim().split('=');
    given[name] = value;
  }
  return AUTH_PARAMETERS.every((name) => Boolean(given[name]));
};

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * dynalite's request handling for the requests the AWS SDK sends, in process: the same
 * validations and actions on the same store, in the order dynalite's HTTP handler runs them,
 * minus what only a socket needs (a stream of body chunks, a response object, a CRC32 of every
 * answer, which no AWS SDK client checks) and with a request id from a counter rather than 39
 * random bytes. A request that is not plainly well formed (no JSON, another content type or
 * method, an unknown operation, a signature that is not there, an Origin header, a query string)
 * answers `undefined`: the caller hands it to dynalite's own HTTP handler, so that every refusal
 * is dynalite's own, word for word. Answers otherwise are dynalite's status and body.
 */
export const dynaliteRequestPath = (store: object) => {
  const validations = fromDynalite('./validations') as Validations;
  const db = fromDynalite('./db') as DynaliteDb;
  const served = new Map(
    OPERATIONS.map((operation) => {
      const name = lowerFirst(operation);
      const validation = fromDynalite(`./validations/${name}`) as ActionValidation;
      return [
        operation,
        {
          action: fromDynalite(`./actions/${name}`) as Action,
          validation,
          checkTypes: compiledCheckTypes(validation.types),
          holds: compiledValidations(validation.types),
        },
      ] as const;
    }),
  );
  let requests = 0;
  const answer = (status: number, data: unknown): WireAnswer => {
    const body = answerJson(data);
    return {
      status,
      headers: {
        'x-amzn-requestid': `POOLWARDENLOCAL${String(++requests).padStart(37, '0')}`,
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(Buffer.byteLength(body, 'utf8')),
      },
      body,
    };
  };

  /** The last authorization header read, and whether it was signed: a client sends the same one. */
  let lastAuthorization: { readonly header: string; readonly signed: boolean } | undefined;
  const signed = (header: string | undefined): boolean => {
    if (header === undefined) return false;
    if (lastAuthorization?.header !== header)
      lastAuthorization = { header, signed: hasSignatureParts(header) };
    return lastAuthorization.signed;
  };

  const wellFormed = (request: WireRequest): boolean => {
    const { headers } = request;
    if (request.method !== 'POST' || request.path !== '/' || !request.body || headers.origin !== undefined)
      return false;
    if ((headers['content-type'] ?? '').split(';')[0]?.trim() !== 'application/x-amz-json-1.0') return false;
    if (headers['x-amz-date'] === undefined && headers.date === undefined) return false;
    return signed(headers.authorization);
  };

  /** `settled` hears of the answer as it is made, before anyone awaiting it runs. */
  return (request: WireRequest, settled?: (answer: WireAnswer) => void): Promise<WireAnswer> | undefined => {
    if (!wellFormed(request)) return undefined;
    const [api, operation, ...rest] = (request.headers['x-amz-target'] ?? '').split('.');
    const handling = served.get(operation as (typeof OPERATIONS)[number]);
    if (!api || !APIS.has(api) || rest.length > 0 || !handling) return undefined;
    let data: unknown;
    try {
      data = JSON.parse(request.body);
    } catch {
      return undefined;
    }
    const { action, validation, checkTypes, holds } = handling;
    try {
      data = checkTypes(data) ?? validations.checkTypes(data, validation.types);
      if (!holds(data)) validations.checkValidations(data, validation.types, validation.custom, store);
      else if (validation.custom) {
        // The rest of checkValidations, as it ends.
        const message = validation.custom(data, store);
        if (message) throw db.validationError(message);
      }
    } catch (error) {
      const refused = error as DynaliteError;
      if (!refused.statusCode) throw error;
      const refusal = answer(refused.statusCode, refused.body);
      settled?.(refusal);
      return Promise.resolve(refusal);
    }
    return new Promise((resolve, reject) => {
      action(store, data, (error, result) => {
        if (error && !error.statusCode) return reject(error);
        const done = error ? answer(error.statusCode ?? 400, error.body) : answer(200, result);
        settled?.(done);
        resolve(done);
      });
    });
  };
};
