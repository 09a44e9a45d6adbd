/**
 * The instant an EventBridge scheduled event was due (its `time`, ISO-8601 to the second), or
 * undefined for another event (a forced reconcile's `{"reconcile": true}`, a test's `{}`).
 * Lambda may start the invocation some seconds after it: what must end before the next
 * scheduled instant is counted from this one, not from the handler's start.
 */
export const scheduledAtMs = (event: unknown): number | undefined => {
  if (typeof event !== 'object' || event === null || !('time' in event)) return undefined;
  const { time } = event;
  if (typeof time !== 'string') return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
};
