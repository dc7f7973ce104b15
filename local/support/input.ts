/**
 * Readers for a request's parameters, one set for every service, each service wording its own errors
 * (its error factory). A JSON protocol's values have their JSON types; a query-compatible service
 * (CloudWatch, whose JSON 1.0 is `awsQueryCompatible`) also takes the query protocol's, where every
 * value arrives as a string: numbers and booleans are parsed, and an empty required value is missing.
 */
export type Params = Record<string, unknown>;

/** What a parameter should have been. */
export type Expected =
  'string' | 'number' | 'boolean' | 'timestamp' | 'structure' | 'list' | { maxLength: number } | { maxMembers: number };

export interface InputErrors {
  missing(name: string): Error;
  invalid(name: string, expected: Expected): Error;
}

const present = (params: Params, name: string) => params[name] !== undefined && params[name] !== null;

export const inputReaders = (errors: InputErrors, options: { queryCompatible: boolean }) => {
  const { queryCompatible } = options;
  const optionalString = (params: Params, name: string, maxLength?: number): string | undefined => {
    if (!present(params, name)) return undefined;
    const value = params[name];
    if (typeof value !== 'string') throw errors.invalid(name, 'string');
    if (maxLength !== undefined && value.length > maxLength) throw errors.invalid(name, { maxLength });
    return value;
  };
  const requiredString = (params: Params, name: string, maxLength?: number): string => {
    const value = optionalString(params, name, maxLength);
    if (value === undefined || (queryCompatible && value === '')) throw errors.missing(name);
    return value;
  };
  const optionalNumber = (params: Params, name: string): number | undefined => {
    if (!present(params, name)) return undefined;
    const raw = params[name];
    const value = queryCompatible && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw errors.invalid(name, 'number');
    return value;
  };
  const requiredNumber = (params: Params, name: string): number => {
    const value = optionalNumber(params, name);
    if (value === undefined) throw errors.missing(name);
    return value;
  };
  const optionalBoolean = (params: Params, name: string): boolean | undefined => {
    if (!present(params, name)) return undefined;
    const value = params[name];
    if (value === true || (queryCompatible && value === 'true')) return true;
    if (value === false || (queryCompatible && value === 'false')) return false;
    throw errors.invalid(name, 'boolean');
  };
  /** A timestamp, in milliseconds: epoch seconds (JSON), or ISO 8601 and epoch seconds as text (query protocol). */
  const optionalTime = (params: Params, name: string): number | undefined => {
    if (!present(params, name)) return undefined;
    const raw = params[name];
    const text = queryCompatible && typeof raw === 'string' ? raw : undefined;
    const ms =
      typeof raw === 'number'
        ? raw * 1000
        : text !== undefined
          ? /^\d+(\.\d+)?$/.test(text)
            ? Number(text) * 1000
            : Date.parse(text)
          : NaN;
    if (!Number.isFinite(ms)) throw errors.invalid(name, 'timestamp');
    return ms;
  };
  const requiredTime = (params: Params, name: string): number => {
    const value = optionalTime(params, name);
    if (value === undefined) throw errors.missing(name);
    return value;
  };
  const optionalObject = (params: Params, name: string): Params | undefined => {
    if (!present(params, name)) return undefined;
    const value = params[name];
    if (typeof value !== 'object' || Array.isArray(value)) throw errors.invalid(name, 'structure');
    return value as Params;
  };
  const list = (params: Params, name: string, maxMembers = 1000): unknown[] => {
    if (!present(params, name)) return [];
    const value = params[name];
    if (!Array.isArray(value)) throw errors.invalid(name, 'list');
    if (value.length > maxMembers) throw errors.invalid(name, { maxMembers });
    return value;
  };
  return {
    optionalString,
    requiredString,
    optionalNumber,
    requiredNumber,
    optionalBoolean,
    optionalTime,
    requiredTime,
    optionalObject,
    list,
  };
};
