import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocal } from '../devtools/local/runLocal';
import {
  InProcessHandler,
  type WireDispatch,
  type WireRequest,
} from '../devtools/local/runtime/inProcessHandler';
import { dynaliteDispatch, startLocalDynamo } from '../devtools/local/runtime/localDynamo';
import { withRefusedItem } from '../devtools/local/runtime/refusedItem';
import { tableDefinition } from '../lib/adapters/dynamo/tableDesign';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { parseTraceOrThrow } from '../lib/trace/parseTrace';

/**
 * What one DynamoDB request costs in the local stand-in, apart from everything else: records
 * the wire requests `npm start` sends to dynalite on the bundled week, then replays them in
 * order, in a fresh process each, against dynalite as the local stack runs it and against
 * dynalite as shipped, and prints CPU per request. Both must give the same answers (status
 * and body, request by request): the local stack's wrappers change cost, not answers.
 *
 *   node bin/run-ts.js bench/dynaliteRequests.ts [ROUNDS]
 */

const load = () => (loadavg()[0] ?? 0).toFixed(1);
// One file per run: other checkouts on the same machine record theirs at the same time.
const RECORDED = join(tmpdir(), `poolwarden-dynalite-requests-${process.pid}.json`);
const [mode, file] = process.argv.slice(2);

/** BatchGetItem answers in no particular order (DynamoDB says so; dynalite answers as its reads finish). */
const unordered = (body: string): string => {
  if (!body.startsWith('{"Responses":')) return body;
  const answer = JSON.parse(body) as { Responses: Record<string, unknown[]> };
  for (const items of Object.values(answer.Responses))
    items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return JSON.stringify(answer);
};

const replay = async (shipped: boolean, path: string) => {
  const requests = JSON.parse(await readFile(path, 'utf8')) as WireRequest[];
  // dynalite as shipped ignores ReturnValuesOnConditionCheckFailure: it gets the local stack's
  // addition of the refused item too (refusedItem.ts), so that what differs is only the speed work.
  let dispatch: WireDispatch;
  if (shipped) {
    const own = dynaliteDispatch((await import('dynalite')).default({ createTableMs: 0 }));
    dispatch = async (request) => withRefusedItem(request, await own(request), own);
  } else {
    dispatch = (await startLocalDynamo()).dispatch;
  }
  const table = JSON.parse(requests[0]?.body ?? '{}') as { TableName?: string };
  const created = await dispatch({
    method: 'POST',
    path: '/',
    headers: { ...requests[0]?.headers, 'x-amz-target': 'DynamoDB_20120810.CreateTable' },
    body: JSON.stringify(tableDefinition(table.TableName ?? 'ledger')),
  });
  if (created.status !== 200) throw new Error(`CreateTable: ${created.body}`);
  const answers = createHash('sha256');
  const dump: string[] = [];
  const before = process.cpuUsage();
  const start = performance.now();
  for (const request of requests) {
    const answer = await dispatch(request);
    answers.update(`${answer.status}\n${unordered(answer.body)}\n`);
    if (process.env.DUMP_ANSWERS) dump.push(`${answer.status} ${unordered(answer.body)}`);
  }
  if (process.env.DUMP_ANSWERS) await writeFile(`${process.env.DUMP_ANSWERS}.${shipped}`, dump.join('\n'));
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(before);
  console.log(
    JSON.stringify({
      requests: requests.length,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      answers: answers.digest('hex'),
    }),
  );
  process.exit(0);
};

if (mode === '--replay' && file) await replay(false, file);
else if (mode === '--replay-shipped' && file) await replay(true, file);
else {
  const rounds = Number(mode ?? 3);
  const recorded: WireRequest[] = [];
  const handle = InProcessHandler.prototype.handle;
  InProcessHandler.prototype.handle = function (this: InProcessHandler, request) {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('DynamoDB_')) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const body =
        request.body instanceof Uint8Array
          ? new TextDecoder().decode(request.body)
          : String(request.body ?? '');
      recorded.push({ method: request.method, path: request.path, headers, body });
    }
    return handle.call(this, request);
  };
  const WEEK = 'examples/team-week.jsonl';
  await runLocal({
    trace: parseTraceOrThrow(await readFile(WEEK, 'utf8'), WEEK),
    policy: await readPolicyFile('examples/policy.yaml'),
    onReady: () => {
      recorded.length = 0;
    },
  });
  InProcessHandler.prototype.handle = handle;
  // The first request names the table: the replay creates it fresh.
  await writeFile(RECORDED, JSON.stringify(recorded));
  const run = (flag: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--max-semi-space-size=64', 'bin/run-ts.js', 'bench/dynaliteRequests.ts', flag, RECORDED],
        {
          encoding: 'utf8',
        },
      )
        .trim()
        .split('\n')
        .pop() ?? '{}',
    ) as { requests: number; wallMs: number; cpuMs: number; answers: string };
  console.log(`${recorded.length} DynamoDB requests of the bundled week, replayed in order (load ${load()})`);
  console.log('| dynalite | round | CPU ms | µs CPU per request | answers |');
  console.log('| --- | --- | --- | --- | --- |');
  for (let round = 1; round <= rounds; round++) {
    for (const [label, flag] of [
      ['as the local stack runs it', '--replay'],
      ['as shipped', '--replay-shipped'],
    ] as const) {
      const r = run(flag);
      console.log(
        `| ${label} | ${round} | ${r.cpuMs.toFixed(0)} | ${((1000 * r.cpuMs) / r.requests).toFixed(0)} | ${r.answers.slice(0, 12)} |`,
      );
    }
  }
  console.log(`load average after: ${load()}`);
}
