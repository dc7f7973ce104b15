// CloudWatch Logs' parameters, read with the shared readers, in its own errors.
import { ServiceError } from '../support/errors';
import { type Expected, inputReaders, type Params } from '../support/input';
import type { LogGroup, LogStore } from './store';

export const invalidParameter = (message: string): ServiceError =>
  new ServiceError('InvalidParameterException', message);

const describe = (expected: Expected): string =>
  typeof expected === 'object'
    ? 'maxLength' in expected
      ? `have length less than or equal to ${expected.maxLength}`
      : `have length less than or equal to ${expected.maxMembers}`
    : `be a ${expected}`;

export const read = inputReaders(
  {
    missing: (name) =>
      invalidParameter(
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
      ),
    invalid: (name, expected) =>
      invalidParameter(
        `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must ${describe(expected)}`,
      ),
  },
  { queryCompatible: false },
);

/** An integer parameter within [min, max], its default when absent. */
export const limitOf = (params: Params, name: string, min: number, max: number, fallback: number): number => {
  const value = read.optionalNumber(params, name);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  return value;
};

/** A log group's name from an ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`) or as it is. */
const nameOfIdentifier = (identifier: string): string => {
  const m = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return m ? m[1]! : identifier;
};

/** The group a request names, by `logGroupName` or `logGroupIdentifier` (one of them), as AWS refuses otherwise. */
export const groupOf = (store: LogStore, params: Params): LogGroup => {
  const name = read.optionalString(params, 'logGroupName', 512);
  const identifier = read.optionalString(params, 'logGroupIdentifier', 2048);
  if (name !== undefined && identifier !== undefined)
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  const wanted = name ?? (identifier === undefined ? undefined : nameOfIdentifier(identifier));
  if (wanted === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  const group = store.groups.get(wanted);
  if (!group) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
  return group;
};

/** A list of strings, each at most `maxLength` long. */
export const stringList = (params: Params, name: string, maxMembers: number, maxLength: number): string[] =>
  read.list(params, name, maxMembers).map((item) => {
    if (typeof item !== 'string' || item.length > maxLength)
      throw invalidParameter(
        `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to ${maxLength}]`,
      );
    return item;
  });
