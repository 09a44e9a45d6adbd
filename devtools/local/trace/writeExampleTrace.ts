/** Regenerates examples/team-week.jsonl: `npx tsx devtools/local/trace/writeExampleTrace.ts`. */
import { writeFile } from 'node:fs/promises';
import { TEAM_WEEK_PATH, teamWeekTrace } from './exampleTraces';

const text = teamWeekTrace();
await writeFile(TEAM_WEEK_PATH, text, 'utf8');
console.log(`wrote ${text.split('\n').length - 1} jobs to ${TEAM_WEEK_PATH}`);
