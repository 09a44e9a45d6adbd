import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runLocal } from '../devtools/local/runLocal';
import { inProcessTransport } from '../devtools/local/runtime/inProcessHandler';
import { startLocalDynamo } from '../devtools/local/runtime/localDynamo';
import { useLocalAwsEnvironment } from '../devtools/local/runtime/localEnvironment';
import { documentClient } from '../lib/adapters/awsClients';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { parseTraceOrThrow } from '../lib/trace/parseTrace';
import { LOCAL_TABLE } from '../lib/wiring/localStack';

/**
 * What one DynamoDB request costs the local stack end to end: the SDK's document client with its
 * whole middleware stack, the in-process transport and dynalite. Records the document-client
 * commands `npm start` sends on the bundled week (class and input), then sends them again, in
 * order and one at a time, through a fresh client on a fresh local DynamoDB, ROUNDS times, and
 * prints CPU per request and a digest of the answers (each command's output without its
 * metadata), which must be the same from round to round and from commit to commit.
 *
 *   node bin/run-ts.js bench/dynamoClientRequests.ts [ROUNDS]
 *
 * With PROFILE=FILE, the rounds alone (not the recording run) are profiled into FILE
 * (a .cpuprofile, as `node --cpu-prof` writes).
 */

type Command = { readonly input: unknown };
type CommandClass = new (input: unknown) => Command;

const rounds = Number(process.argv[2] ?? 3);
const recorded: { readonly kind: CommandClass; readonly input: unknown }[] = [];
const send = DynamoDBDocumentClient.prototype.send;
DynamoDBDocumentClient.prototype.send = function (this: DynamoDBDocumentClient, command: Command) {
  // A copy: the adapters' inputs are their own to change once sent.
  recorded.push({ kind: command.constructor as CommandClass, input: structuredClone(command.input) });
  return (send as (this: DynamoDBDocumentClient, command: Command) => Promise<unknown>).call(this, command);
} as typeof send;
const WEEK = 'examples/team-week.jsonl';
await runLocal({
  trace: parseTraceOrThrow(await readFile(WEEK, 'utf8'), WEEK),
  policy: await readPolicyFile('examples/policy.yaml'),
  onReady: () => {
    recorded.length = 0;
  },
});
DynamoDBDocumentClient.prototype.send = send;

/** Outputs without $metadata, sorted where DynamoDB promises no order (BatchGetItem). */
const digestOf = (output: unknown): string =>
  JSON.stringify(output, (key, value: unknown) => {
    if (key === '$metadata') return undefined;
    if (key === 'Responses' && value && typeof value === 'object' && !Array.isArray(value)) {
      const sorted: Record<string, unknown[]> = {};
      for (const [table, items] of Object.entries(value as Record<string, unknown[]>))
        sorted[table] = [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      return sorted;
    }
    return value;
  });

const load = () => (loadavg()[0] ?? 0).toFixed(1);
console.log(`${recorded.length} DynamoDB document-client requests of the bundled week (load ${load()})`);
const profiler = process.env.PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
console.log('| round | CPU ms | µs CPU per request | answers |');
console.log('| --- | --- | --- | --- |');
for (let round = 1; round <= rounds; round++) {
  const dynamo = await startLocalDynamo();
  await dynamo.ensureLedgerTable(LOCAL_TABLE);
  // The environment the functions' clients see in a local run.
  const restore = useLocalAwsEnvironment({ dynamodb: dynamo.endpoint, sagemaker: undefined, sns: undefined });
  const client = documentClient({
    transport: inProcessTransport(dynamo.dispatch, { cacheMiddleware: true }),
  });
  const answers = createHash('sha256');
  const before = process.cpuUsage();
  for (const { kind, input } of recorded) {
    let answer: string;
    try {
      answer = digestOf(await client.send(new kind(structuredClone(input)) as never));
    } catch (error) {
      answer = `error ${(error as Error).name}`;
      if (process.env.SHOW_ERRORS) console.log(answer, (error as Error).message);
    }
    answers.update(`${answer}\n`);
  }
  const cpu = process.cpuUsage(before);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `| ${round} | ${cpuMs.toFixed(0)} | ${((1000 * cpuMs) / recorded.length).toFixed(0)} | ${answers.digest('hex').slice(0, 12)} |`,
  );
  client.destroy();
  restore();
  await dynamo.stop();
}
if (profiler && process.env.PROFILE) {
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(process.env.PROFILE, JSON.stringify(profile));
}
console.log(`load average after: ${load()}`);
process.exit(0);
