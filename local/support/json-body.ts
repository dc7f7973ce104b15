import { ServiceError } from './errors';
import { type Expected, inputReaders } from './input';

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
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ServiceError('SerializationException', 'The request body must be a JSON object');
  return value as JsonBody;
};

const constraint = (expected: Expected | 'not null'): string => {
  if (typeof expected !== 'object') return expected === 'not null' ? 'not null' : `a ${expected}`;
  return 'maxLength' in expected
    ? `at most ${expected.maxLength} characters long`
    : `at most ${expected.maxMembers} members`;
};

/** The JSON protocols' words for a member that is not what it should be (Step Functions' ValidationException). */
const invalid = (name: string, expected: Expected | 'not null') =>
  new ServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be ${constraint(expected)}`,
  );

const read = inputReaders({ missing: (name) => invalid(name, 'not null'), invalid }, { queryCompatible: false });

export const { optionalString, requiredString, optionalNumber, optionalBoolean } = read;
