/** One thing wrong with a trace. `line` is 1-based; an issue without a line concerns the whole trace. */
export interface TraceIssue {
  readonly line?: number;
  /** The field at fault, as a path such as `vpc.subnets[1]`. */
  readonly field?: string;
  readonly message: string;
}

/** How many issues a report lists before it only counts the rest. */
export const DEFAULT_MAX_LISTED_ISSUES = 20;

/** `team-week.jsonl:17: field "instanceCount": expected a positive integer, got "two"` */
export const formatTraceIssue = (source: string, issue: TraceIssue): string => {
  const where = issue.line === undefined ? source : `${source}:${issue.line}`;
  const field = issue.field === undefined ? '' : `field "${issue.field}": `;
  return `${where}: ${field}${issue.message}`;
};

/** One issue per line, then how many more there are, so a broken file never floods a terminal. */
export const formatTraceIssues = (
  source: string,
  issues: readonly TraceIssue[],
  maxListed = DEFAULT_MAX_LISTED_ISSUES,
): string => {
  const listed = issues.slice(0, maxListed).map((issue) => formatTraceIssue(source, issue));
  const rest = issues.length - listed.length;
  if (rest > 0) listed.push(`... and ${rest} more ${rest === 1 ? 'error' : 'errors'}`);
  return listed.join('\n');
};

/** Thrown when a trace has any error: a trace runs whole or not at all. */
export class TraceParseError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly TraceIssue[],
  ) {
    const count = `${issues.length} ${issues.length === 1 ? 'error' : 'errors'}`;
    super(`invalid trace ${source} (${count}):\n${formatTraceIssues(source, issues)}`);
    this.name = 'TraceParseError';
  }
}
