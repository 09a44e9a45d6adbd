/**
 * Waits for `work` at most `budgetMs` ('late' when it had to stop waiting; the work itself goes
 * on). No budget, or an infinite one, waits as long as the work takes: setTimeout would take an
 * infinite delay for 1 ms. `work` must not reject.
 */
export const withinBudget = async (work: Promise<void>, budgetMs?: number): Promise<'done' | 'late'> => {
  if (budgetMs === undefined || !Number.isFinite(budgetMs)) {
    await work;
    return 'done';
  }
  if (budgetMs <= 0) return 'late';
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  try {
    return await Promise.race([work.then(() => 'done' as const), late]);
  } finally {
    clearTimeout(timer);
  }
};
