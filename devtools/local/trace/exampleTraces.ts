import { fileURLToPath } from 'node:url';
import { serializeTrace } from '../../../lib/trace/serializeTrace';
import { type GenerateTraceOptions, generateTrace } from './generateTrace';

/** The week `npm start` replays: four teams, Monday 2 to Sunday 8 March 2026. */
export const TEAM_WEEK_OPTIONS: GenerateTraceOptions = {
  seed: 20260302,
  start: '2026-03-02T00:00:00Z',
  days: 7,
  workload: 'mixed',
};

export const TEAM_WEEK_PATH = fileURLToPath(new URL('../../../examples/team-week.jsonl', import.meta.url));

/** The exact text of examples/team-week.jsonl; a test keeps the committed file equal to it. */
export const teamWeekTrace = (): string => serializeTrace(generateTrace(TEAM_WEEK_OPTIONS));
