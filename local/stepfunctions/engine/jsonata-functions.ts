/**
 * The functions Step Functions adds to JSONata 2.0.6 ("Transforming data with JSONata in Step
 * Functions", section "JSONata functions"): `$partition`, `$range`, `$hash`, `$random`, `$uuid` and
 * `$parse`; and `$eval`, the one built-in AWS takes away ("$eval is not available — use $parse").
 *
 * Behaviours below that the developer guide does not spell out follow what AWS was measured to do
 * (LocalStack's AWS-validated snapshots; other emulators' notes): a non-integer count is truncated
 * towards zero, an empty result is "nothing" (undefined) rather than `[]`, and a `$range` of one
 * value is that bare number, as JSONata collapses a one-element sequence.
 */
import { createHash, randomUUID } from 'node:crypto';
import type jsonata from 'jsonata';

/** An error shaped as JSONata raises its own (`code`, `message`), so the caller words both alike. */
export class JsonataFunctionError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** AWS's own bound on `$range`: 360,145 values are accepted, one more is refused. */
export const RANGE_LIMIT = 360_145;
const MEMORY_LIMIT_MESSAGE = 'Expression evaluation memory limit exceeded: Check for excessive memory usage';

/** The algorithms `$hash` accepts, spelt as AWS spells them (case-sensitive), to Node's names. */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

type Value = unknown;

/** `$partition(array, chunkSize)`: the array cut into chunks of `chunkSize`, the last one shorter. */
export function partition(array: Value[], chunkSize?: number): Value[][] | undefined {
  if (array.length === 0) return undefined;
  if (chunkSize === undefined) return [[...array]];
  const size = Math.trunc(chunkSize);
  if (!(size > 0)) return undefined;
  const chunks: Value[][] = [];
  for (let start = 0; start < array.length; start += size) chunks.push(array.slice(start, start + size));
  return chunks;
}

/** `$range(start, end, step)`: `start`, `start + step`, … up to and including `end` when a step lands on it. */
export function range(start: number, end: number, step?: number): number[] | number | undefined {
  if (step === undefined) return undefined;
  const [from, to, by] = [Math.trunc(start), Math.trunc(end), Math.trunc(step)];
  if (by === 0 || (to - from !== 0 && Math.sign(to - from) !== Math.sign(by))) return undefined;
  const count = Math.floor((to - from) / by) + 1;
  if (count > RANGE_LIMIT) throw new JsonataFunctionError(MEMORY_LIMIT_MESSAGE);
  const values = Array.from({ length: count }, (_, i) => from + i * by);
  return values.length === 1 ? values[0] : values;
}

/** `$hash(data, algorithm)`: the hex digest of the UTF-8 bytes of `data`. */
export function hash(data: string, algorithm?: string): string | undefined {
  if (algorithm === undefined) return undefined;
  const nodeName = Object.hasOwn(HASH_ALGORITHMS, algorithm) ? HASH_ALGORITHMS[algorithm] : undefined;
  if (nodeName === undefined) {
    const known = Object.keys(HASH_ALGORITHMS).join(', ');
    throw new JsonataFunctionError(`The hash algorithm '${algorithm}' is not supported; use one of ${known}`);
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
}

/** A small, well-mixed generator (mulberry32) so one seed always gives the same number. */
function seededUnit(seed: number): number {
  let t = (Math.trunc(seed) + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** `$random([seed])`: a number in [0, 1); the same for the same integer `seed`. */
export function random(seed?: number): number {
  return seed === undefined ? Math.random() : seededUnit(seed);
}

/** `$uuid()`: a version 4 UUID. */
export function uuid(): string {
  return randomUUID();
}

/** `$parse(jsonString)`: the value a JSON text stands for (AWS's replacement for `$eval`). */
export function parse(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new JsonataFunctionError(`Unable to parse the JSON string: ${reason}`);
  }
}

/** `$eval` on AWS: not there, so a call fails as a call of any non-function does. */
function noEval(): never {
  throw new JsonataFunctionError('Attempted to invoke a non-function', 'T1006');
}

/** Puts AWS's functions on a compiled expression and takes `$eval` away. */
export function installStepFunctionsFunctions(expression: jsonata.Expression): void {
  expression.registerFunction('partition', (array: Value[], size?: number) => partition(array, size), '<an?:a>');
  expression.registerFunction('range', (a: number, b: number, step?: number) => range(a, b, step), '<nnn?:x>');
  expression.registerFunction('hash', (data: string, algorithm?: string) => hash(data, algorithm), '<ss?:s>');
  expression.registerFunction('random', (seed?: number) => random(seed), '<n?:n>');
  expression.registerFunction('uuid', () => uuid(), '<:s>');
  expression.registerFunction('parse', (text: string) => parse(text), '<s:x>');
  expression.registerFunction('eval', noEval);
}
