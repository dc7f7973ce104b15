import { ServiceError } from '../support/errors';

/**
 * A CloudWatch request's parameters, whatever the protocol: JSON (numbers, booleans, timestamps as
 * epoch seconds) or the query protocol (every value a string, timestamps in ISO 8601), read through
 * the helpers below, which answer CloudWatch's own errors.
 */
export type Params = Record<string, unknown>;

export const missing = (name: string) => new ServiceError('MissingParameter', `The parameter ${name} is required.`);
export const invalidValue = (message: string) => new ServiceError('InvalidParameterValue', message);

const present = (params: Params, name: string) => params[name] !== undefined && params[name] !== null;

export const optionalText = (params: Params, name: string, max = 1024): string | undefined => {
  if (!present(params, name)) return undefined;
  const value = params[name];
  if (typeof value !== 'string') throw invalidValue(`The parameter ${name} must be a string.`);
  if (value.length > max) throw invalidValue(`The parameter ${name} must be at most ${max} characters long.`);
  return value;
};

export const text = (params: Params, name: string, max?: number): string => {
  const value = optionalText(params, name, max);
  if (value === undefined || value === '') throw missing(name);
  return value;
};

export const optionalNumber = (params: Params, name: string): number | undefined => {
  if (!present(params, name)) return undefined;
  const raw = params[name];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidValue(`The parameter ${name} must be a number.`);
  return value;
};

export const number = (params: Params, name: string): number => {
  const value = optionalNumber(params, name);
  if (value === undefined) throw missing(name);
  return value;
};

export const optionalBoolean = (params: Params, name: string): boolean | undefined => {
  if (!present(params, name)) return undefined;
  const value = params[name];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidValue(`The parameter ${name} must be true or false.`);
};

/** A timestamp, in milliseconds: epoch seconds (JSON) or ISO 8601 (query protocol). */
export const optionalTime = (params: Params, name: string): number | undefined => {
  if (!present(params, name)) return undefined;
  const raw = params[name];
  const ms = typeof raw === 'number' ? raw * 1000 : typeof raw === 'string' ? (/^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw)) : NaN;
  if (!Number.isFinite(ms)) throw invalidValue(`The parameter ${name} must be a valid ISO 8601 timestamp.`);
  return ms;
};

export const time = (params: Params, name: string): number => {
  const value = optionalTime(params, name);
  if (value === undefined) throw missing(name);
  return value;
};

export const optionalObject = (params: Params, name: string): Params | undefined => {
  if (!present(params, name)) return undefined;
  const value = params[name];
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidValue(`The parameter ${name} must be a structure.`);
  return value as Params;
};

export const list = (params: Params, name: string, max = 1000): unknown[] => {
  if (!present(params, name)) return [];
  const value = params[name];
  if (!Array.isArray(value)) throw invalidValue(`The parameter ${name} must be a list.`);
  if (value.length > max) throw invalidValue(`The collection ${name} must not have more than ${max} members.`);
  return value;
};

export const objects = (params: Params, name: string, max?: number): Params[] =>
  list(params, name, max).map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidValue(`The parameter ${name}.member.${i + 1} must be a structure.`);
    return item as Params;
  });

/** `Dimensions`: a list of Name/Value pairs, as a record (at most 30, names unique). */
export const dimensions = (params: Params, name = 'Dimensions', valueRequired = true): Record<string, string> => {
  const result: Record<string, string> = {};
  objects(params, name, 30).forEach((dimension) => {
    const key = text(dimension, 'Name', 255);
    if (key in result) throw invalidValue(`The dimension ${key} is given twice.`);
    const value = valueRequired ? text(dimension, 'Value', 1024) : (optionalText(dimension, 'Value', 1024) ?? '');
    result[key] = value;
  });
  return result;
};

/** A page of a list, with the opaque token of the next one; a bad token is InvalidNextToken. */
export const page = <T>(items: T[], size: number, token?: string): { items: T[]; next?: string } => {
  let start = 0;
  if (token) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new ServiceError('InvalidNextToken', 'The service couldn’t process the NextToken.');
  }
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { items: items.slice(start, start + size), ...(next && { next }) };
};
