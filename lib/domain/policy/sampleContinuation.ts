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

/**
 * Where `samples` continues `before` kept newest first: its last samples are the same objects as
 * before's first ones (the usage statistics put a new sample ahead and drop their oldest from the
 * end), as how many new samples come ahead of them; -1 if not.
 */
export const continuesAheadOf = <T>(before: readonly T[], samples: readonly T[]): number => {
  const first = before[0];
  if (first === undefined) return -1;
  const ahead = samples.indexOf(first);
  if (ahead < 0 || samples.length - ahead > before.length) return -1;
  for (let i = ahead + 1; i < samples.length; i++) if (samples[i] !== before[i - ahead]) return -1;
  return ahead;
};
