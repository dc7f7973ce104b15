/**
 * Content filtering as SNS filter policies and EventBridge event patterns share it: each named
 * field must match one of the allowed rules — an exact string or number, or `{prefix}`,
 * `{anything-but}`, `{exists}`.
 */
export const matchesRules = (allowed: unknown[], value: string | undefined): boolean =>
  allowed.some((rule) => {
    if (typeof rule === 'string' || typeof rule === 'number') return value === String(rule);
    const r = rule as { prefix?: string; 'anything-but'?: unknown; exists?: boolean };
    if (r.exists !== undefined) return r.exists === (value !== undefined);
    if (value === undefined) return false;
    if (r.prefix !== undefined) return value.startsWith(r.prefix);
    if (r['anything-but'] !== undefined) return ![r['anything-but']].flat().map(String).includes(value);
    return false;
  });
