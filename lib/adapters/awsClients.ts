import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The AWS clients, built once per container. Endpoints come from the SDK's own settings
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SAGEMAKER), which is how the local stack and the
 * integration tests point them at loopback. Throttling is left to the SDK's retry strategies:
 * adaptive for SageMaker, whose UpdateTrainingJob rate quota is low.
 */
export interface AwsClientOptions {
  readonly region?: string;
  readonly maxAttempts?: number;
  /** An explicit endpoint (the CLI's --local); otherwise the SDK's own settings decide. */
  readonly endpoint?: string;
  /** Explicit credentials (the local stack's, an assumed role's); otherwise the SDK's default chain. */
  readonly credentials?: SageMakerClientConfig['credentials'];
  /** How requests travel, when not over HTTPS to the endpoint (the local stack's in-process path). */
  readonly transport?: ClientTransport;
}

/** The SDK's own extension points for the way a request is signed and sent. */
export interface ClientTransport {
  readonly requestHandler: NonNullable<DynamoDBClientConfig['requestHandler']>;
  readonly httpAuthSchemes: NonNullable<DynamoDBClientConfig['httpAuthSchemes']>;
  /** Client middleware, by name, that this way of sending makes pointless (none over HTTPS). */
  readonly withoutMiddleware?: readonly string[];
  /**
   * Resolve each command class's middleware stack once, not per call: the SDK's `cacheMiddleware`,
   * and for the DynamoDB document client, which refuses that option, `documentChainsOnce`.
   */
  readonly cacheMiddleware?: boolean;
  /** Adjusts a client once it is built for this transport (the in-process path's serialization). */
  readonly adaptClient?: (client: AdaptableClient) => void;
  /**
   * The retries of a client that makes at most `maxAttempts` attempts, when this transport needs
   * other ones than the SDK's (the in-process path runs in virtual time: a backoff that sleeps in
   * real time only makes a throttled local run slower, never different).
   */
  readonly retryStrategy?: (maxAttempts: number) => NonNullable<SageMakerClientConfig['retryStrategy']>;
}

/** What a transport's adaptClient may change: the client's middleware, and its configuration object. */
export interface AdaptableClient {
  config: object;
  readonly middlewareStack: { use(plugin: { applyToStack(stack: never): void }): void };
}

/**
 * A copy of an SDK client's configuration with the same properties (the same providers, the
 * credentials accessor included). The SDK builds its configuration property by property, which
 * leaves the object in V8's dictionary mode, and its serialization, deserialization and endpoint
 * middlewares spread the configuration they hold on every call: about 8 us a spread of the
 * client's own, under 1 us of a copy. Only for clients whose configuration nothing sets once they
 * are built (the in-process path's: its signer never corrects the clock offset).
 */
export const configurationCopy = <C extends object>(config: C): C =>
  Object.defineProperties({}, Object.getOwnPropertyDescriptors(config)) as C;

/** Removes the client middleware that `transport` makes pointless. */
export const withTransport = <C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
  transport: ClientTransport | undefined,
): C => {
  for (const name of transport?.withoutMiddleware ?? []) client.middlewareStack.remove(name);
  transport?.adaptClient?.(client as unknown as AdaptableClient);
  return client;
};

const trimmed = <C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
  options: AwsClientOptions,
): C => withTransport(client, options.transport);

/** The client settings a transport carries beside its request handler. */
export const transportSettings = (transport: ClientTransport | undefined) =>
  transport
    ? {
        httpAuthSchemes: transport.httpAuthSchemes,
        ...(transport.cacheMiddleware ? { cacheMiddleware: true } : {}),
      }
    : {};

const common = (options: AwsClientOptions) => ({
  ...(options.region ? { region: options.region } : {}),
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
  ...(options.transport ? { requestHandler: options.transport.requestHandler } : {}),
  ...transportSettings(options.transport),
});

/**
 * How many attempts a client makes and how it waits between them: the transport's strategy if it
 * has one, else the SDK's, in `mode` unless the SDK's own AWS_RETRY_MODE setting says otherwise
 * (it wins, as its endpoint settings do).
 */
const retries = (options: AwsClientOptions, defaultAttempts: number, mode?: 'adaptive') => {
  const maxAttempts = options.maxAttempts ?? defaultAttempts;
  if (options.transport?.retryStrategy)
    return { retryStrategy: options.transport.retryStrategy(maxAttempts) };
  return { maxAttempts, ...(mode && !process.env.AWS_RETRY_MODE ? { retryMode: mode } : {}) };
};

type Chain = (command: unknown) => Promise<{ output: unknown }>;

/** What a lib-dynamodb command resolves its chain from (its typings mark these protected). */
interface DocumentCommandParts {
  readonly clientCommand: {
    resolveMiddleware(
      stack: DynamoDBDocumentClient['middlewareStack'],
      configuration: DynamoDBDocumentClient['config'],
      options: undefined,
    ): Chain;
  };
  readonly middlewareStack: DynamoDBDocumentClient['middlewareStack'];
  addMarshallingMiddleware(configuration: DynamoDBDocumentClient['config']): void;
  resolveMiddleware: (...args: unknown[]) => Chain;
}

const isDocumentCommand = (command: unknown): command is DocumentCommandParts =>
  typeof command === 'object' &&
  command !== null &&
  'clientCommand' in command &&
  'addMarshallingMiddleware' in command &&
  typeof command.addMarshallingMiddleware === 'function';

/**
 * The SDK's `cacheMiddleware` for the document client, which refuses the option: its commands'
 * handler, once resolved, sends the command it was resolved for, so a cached one would send the
 * first command's input again. Here each command class's chain is resolved once as lib-dynamodb
 * resolves it (its marshalling middleware reads only the class's key nodes and the client's
 * options) and then handed each call's own underlying command, whose input it marshals and sends.
 * Every call still goes through the client's own send (whatever wraps it sees every call): only
 * the command it is given resolves to the cached chain, for that call. Calls with options, and
 * commands of another shape, resolve their chain as usual.
 */
const documentChainsOnce = (client: DynamoDBDocumentClient): DynamoDBDocumentClient => {
  const chains = new WeakMap<object, Chain>();
  // What the chains' own middleware (the endpoint's) holds; a copy, as configurationCopy says.
  const config = configurationCopy(client.config);
  const chainOf = (command: DocumentCommandParts): Chain => {
    let chain = chains.get(command.constructor);
    if (!chain) {
      command.addMarshallingMiddleware(config);
      chain = command.clientCommand.resolveMiddleware(
        client.middlewareStack.concat(command.middlewareStack),
        config,
        undefined,
      );
      chains.set(command.constructor, chain);
    }
    return chain;
  };
  const sendOnChain = (command: object, ...more: unknown[]): Promise<unknown> => {
    // The prototype's send, looked up per call (DynamoDBDocumentClient's is the SDK client's).
    const send = DynamoDBDocumentClient.prototype.send as (
      this: DynamoDBDocumentClient,
      command: object,
      ...more: unknown[]
    ) => Promise<unknown>;
    if (more.some((option) => option !== undefined) || !isDocumentCommand(command)) {
      return send.call(client, command, ...more);
    }
    // The client's send resolves the command's chain synchronously, before its first await.
    command.resolveMiddleware = () => {
      const chain = chainOf(command);
      return () => chain(command.clientCommand);
    };
    try {
      return send.call(client, command);
    } finally {
      delete (command as Partial<DocumentCommandParts>).resolveMiddleware;
    }
  };
  client.send = sendOnChain as DynamoDBDocumentClient['send'];
  return client;
};

export const documentClient = (options: AwsClientOptions = {}): DynamoDBDocumentClient => {
  const client = DynamoDBDocumentClient.from(
    trimmed(
      new DynamoDBClient({
        ...common(options),
        // lib-dynamodb refuses the SDK's cached chain (documentChainsOnce says why).
        cacheMiddleware: false,
        ...retries(options, 5),
      }),
      options,
    ),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
  return options.transport?.cacheMiddleware ? documentChainsOnce(client) : client;
};

export const sageMakerClient = (options: AwsClientOptions = {}): SageMakerClient =>
  trimmed(
    new SageMakerClient({
      ...common(options),
      ...retries(options, 6, 'adaptive'),
    }),
    options,
  );
