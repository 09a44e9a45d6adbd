/**
 * Where `samples` continues `before`: its first samples are the same objects as before's from
 * that place on, and the rest are new (a scope's array drops its oldest and appends), as the
 * index in `before` of samples' first one; -1 if not. Memos use it to carry work over from the
 * array a scope held before instead of starting again.
 */
export const continuesFrom = <T>(before: readonly T[], samples: readonly T[]): number => {
  const first = samples[0];
  if (first === undefined) return -1;
  const from = before.indexOf(first);
  if (from < 0 || before.length - from > samples.length) return -1;
  for (let i = from + 1; i < before.length; i++) if (before[i] !== samples[i - from]) return -1;
  return from;
};
