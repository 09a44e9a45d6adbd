/**
 * Runs `work` with V8 capturing no stack traces, and restores the limit after it. The AWS SDK's
 * retry middleware makes an Error on every call, before any attempt, and the SDK makes one for
 * every service error (a condition that failed, a schedule that exists): each walks the async
 * stack as it is made (some 10 us a request on this 2-core machine under load), and nothing in
 * the local run reads a stack (the CLI reports messages; the report holds none). A verbose run
 * keeps them: the functions' logger writes the stack of each error it logs.
 */
export const withoutStackTraces = async <T>(work: () => Promise<T>): Promise<T> => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await work();
  } finally {
    Error.stackTraceLimit = limit;
  }
};
