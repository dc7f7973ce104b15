import { ServiceError } from '../support/errors';
import { type Expected, inputReaders, type Params } from '../support/input';
import { page as pageOf } from '../support/paging';

/**
 * A CloudWatch request's parameters, whatever the protocol: JSON (numbers, booleans, timestamps as
 * epoch seconds) or the query protocol (every value a string, timestamps in ISO 8601), read through
 * the helpers below, which answer CloudWatch's own errors.
 */
export type { Params };

export const missing = (name: string) => new ServiceError('MissingParameter', `The parameter ${name} is required.`);
export const invalidValue = (message: string) => new ServiceError('InvalidParameterValue', message);

const EXPECTED: Record<Exclude<Expected, object>, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  timestamp: 'a valid ISO 8601 timestamp',
  structure: 'a structure',
  list: 'a list',
};

/** CloudWatch's words for a parameter that is not what it should be. */
const invalid = (name: string, expected: Expected) => {
  if (typeof expected !== 'object') return invalidValue(`The parameter ${name} must be ${EXPECTED[expected]}.`);
  if ('maxLength' in expected)
    return invalidValue(`The parameter ${name} must be at most ${expected.maxLength} characters long.`);
  return invalidValue(`The collection ${name} must not have more than ${expected.maxMembers} members.`);
};

const read = inputReaders({ missing, invalid }, { queryCompatible: true });

export const optionalText = (params: Params, name: string, max = 1024): string | undefined =>
  read.optionalString(params, name, max);
export const text = (params: Params, name: string, max = 1024): string => read.requiredString(params, name, max);
export const { optionalNumber, optionalBoolean, optionalTime, optionalObject, list } = read;
export const number = read.requiredNumber;
export const time = read.requiredTime;

export const objects = (params: Params, name: string, max?: number): Params[] =>
  list(params, name, max).map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw invalidValue(`The parameter ${name}.member.${i + 1} must be a structure.`);
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
  const { items: shown, nextToken } = pageOf(
    items,
    size,
    token,
    () => new ServiceError('InvalidNextToken', 'The service couldn’t process the NextToken.'),
  );
  return { items: shown, ...(nextToken && { next: nextToken }) };
};
