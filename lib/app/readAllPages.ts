import type { Page } from '../ports/ledger';

/** Every page of a paged ledger read, in order. */
export const readAllPages = async <T>(read: (cursor?: string) => Promise<Page<T>>): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
};
