/**
 * The day an instant belongs to in the history and in daily spend: its UTC date. The ledger
 * partitions its history by it, and "a team's idle spend today" is this day's.
 */
export const historyDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
