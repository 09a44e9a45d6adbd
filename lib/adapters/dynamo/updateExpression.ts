/** Builds `SET #a = :a, ... REMOVE #b` with placeholder names for every attribute. */
export interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

export const buildUpdate = (
  set: Record<string, unknown>,
  remove: readonly string[] = [],
  extra: {
    names?: Record<string, string>;
    values?: Record<string, unknown>;
    setClauses?: readonly string[];
  } = {},
): UpdateParts => {
  const names: Record<string, string> = { ...extra.names };
  const values: Record<string, unknown> = { ...extra.values };
  const assignments = Object.entries(set).map(([attribute, value], i) => {
    names[`#s${i}`] = attribute;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removals = remove.map((attribute, i) => {
    names[`#r${i}`] = attribute;
    return `#r${i}`;
  });
  assignments.push(...(extra.setClauses ?? []));
  const clauses = [
    assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
    removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
  ].filter(Boolean);
  return {
    UpdateExpression: clauses.join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};
