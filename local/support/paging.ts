/**
 * A page of a list, with the opaque token of the next one, as AWS's List and Describe calls page: the
 * token is the next item's position (base64url), and a token that is not one of ours is `invalidToken`.
 */
export const page = <T>(
  items: readonly T[],
  size: number,
  token: string | undefined,
  invalidToken: () => Error,
): { items: T[]; nextToken?: string } => {
  let start = 0;
  if (token) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidToken();
  }
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { items: items.slice(start, start + size), ...(next && { nextToken: next }) };
};
