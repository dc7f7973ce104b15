import { ServiceError } from './errors';

/** The body of a request in one of AWS's JSON protocols: an object, whose members are read with the helpers below. */
export type JsonBody = Record<string, unknown>;

/** Parses a JSON protocol body; anything but a JSON object is AWS's `SerializationException`. */
export const parseJsonBody = (body: Buffer): JsonBody => {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ServiceError('SerializationException', 'The request body must be a JSON object');
  return value as JsonBody;
};

const invalid = (name: string, kind: string) => new ServiceError('ValidationException', `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be ${kind}`);

export const optionalString = (body: JsonBody, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'a string');
  return value;
};

export const requiredString = (body: JsonBody, name: string): string => {
  const value = optionalString(body, name);
  if (value === undefined) throw invalid(name, 'not null');
  return value;
};

export const optionalNumber = (body: JsonBody, name: string): number | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'a number');
  return value;
};

export const optionalBoolean = (body: JsonBody, name: string): boolean | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean');
  return value;
};
