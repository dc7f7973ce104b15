/**
 * The intrinsic functions themselves, each checking its arguments as AWS's developer guide lists
 * them ("Intrinsic functions for JSONPath states"). A wrong count or type, or a value outside the
 * documented limits, is States.IntrinsicFailure with a cause naming the function.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ERRORS, StatesError, type Json, type JsonObject } from './types';

export type IntrinsicFunction = (args: Json[]) => Json;

/** An intrinsic's failure: States.IntrinsicFailure, the cause starting with the function's name. */
export function intrinsicFailure(name: string, reason: string): StatesError {
  return new StatesError(ERRORS.IntrinsicFailure, `${name}: ${reason}`);
}

function describe(value: Json): string {
  return JSON.stringify(value);
}

/** Throws unless there are between `min` and `max` arguments. */
export function arity(name: string, args: Json[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  throw intrinsicFailure(name, `expects ${expected} argument(s), got ${args.length}`);
}

function arrayArg(name: string, value: Json | undefined, what: string): Json[] {
  if (Array.isArray(value)) return value;
  throw intrinsicFailure(name, `the ${what} must be an array, got ${describe(value ?? null)}`);
}

/** A string argument, or the function's failure. */
export function stringArg(name: string, value: Json | undefined, what: string): string {
  if (typeof value === 'string') return value;
  throw intrinsicFailure(name, `the ${what} must be a string, got ${describe(value ?? null)}`);
}

function integerArg(name: string, value: Json | undefined, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw intrinsicFailure(name, `the ${what} must be an integer, got ${describe(value ?? null)}`);
}

/** A number rounded to the nearest integer (halves up, as Java's Math.round), as MathAdd and MathRandom take them. */
function roundedArg(name: string, value: Json | undefined, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value);
  throw intrinsicFailure(name, `the ${what} must be a number, got ${describe(value ?? null)}`);
}

function objectArg(name: string, value: Json | undefined, what: string): JsonObject {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  throw intrinsicFailure(name, `the ${what} must be a JSON object, got ${describe(value ?? null)}`);
}

/** JSON text with object keys sorted: equal values give equal text. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** AWS's limit on the input of Base64Encode, Base64Decode and Hash. */
export const MAX_ENCODING_INPUT = 10_000;
/** AWS's limit on the array States.ArrayRange makes. */
export const MAX_RANGE_ITEMS = 1000;

function limitedString(name: string, value: Json | undefined): string {
  const text = stringArg(name, value, 'input');
  if (text.length > MAX_ENCODING_INPUT) {
    throw intrinsicFailure(name, `the input must be at most ${MAX_ENCODING_INPUT} characters, got ${text.length}`);
  }
  return text;
}

function arrayRange(args: Json[]): Json {
  const name = 'States.ArrayRange';
  arity(name, args, 3);
  const start = integerArg(name, args[0], 'first argument');
  const end = integerArg(name, args[1], 'second argument');
  const step = integerArg(name, args[2], 'third argument (the step)');
  if (step === 0) throw intrinsicFailure(name, 'the step must not be 0');
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_RANGE_ITEMS) {
    throw intrinsicFailure(name, `the array would have ${count} items, more than ${MAX_RANGE_ITEMS}`);
  }
  return Array.from({ length: Math.max(0, count) }, (_, i) => start + i * step);
}

function arrayPartition(args: Json[]): Json {
  const name = 'States.ArrayPartition';
  arity(name, args, 2);
  const array = arrayArg(name, args[0], 'first argument');
  const size = integerArg(name, args[1], 'chunk size');
  if (size <= 0) throw intrinsicFailure(name, `the chunk size must be a positive integer, got ${size}`);
  const chunks: Json[] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

function arrayGetItem(args: Json[]): Json {
  const name = 'States.ArrayGetItem';
  arity(name, args, 2);
  const array = arrayArg(name, args[0], 'first argument');
  const index = integerArg(name, args[1], 'index');
  if (index < 0 || index >= array.length) {
    throw intrinsicFailure(name, `the index ${index} is out of bounds for an array of ${array.length} item(s)`);
  }
  return array[index] as Json;
}

function arrayUnique(args: Json[]): Json {
  arity('States.ArrayUnique', args, 1);
  const seen = new Set<string>();
  return arrayArg('States.ArrayUnique', args[0], 'argument').filter((item) => {
    const key = canonical(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function arrayContains(args: Json[]): Json {
  arity('States.ArrayContains', args, 2);
  const wanted = canonical(args[1] as Json);
  return arrayArg('States.ArrayContains', args[0], 'first argument').some((item) => canonical(item) === wanted);
}

function base64Decode(args: Json[]): Json {
  const name = 'States.Base64Decode';
  arity(name, args, 1);
  const text = limitedString(name, args[0]);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
    throw intrinsicFailure(name, `the input is not Base64: ${describe(text)}`);
  }
  return Buffer.from(text, 'base64').toString('utf8');
}

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

function hash(args: Json[]): Json {
  const name = 'States.Hash';
  arity(name, args, 2);
  const data = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
  limitedString(name, data);
  const algorithm = stringArg(name, args[1], 'algorithm');
  const nodeName = HASHES[algorithm];
  if (!nodeName) {
    throw intrinsicFailure(name, `the algorithm must be one of ${Object.keys(HASHES).join(', ')}, got '${algorithm}'`);
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
}

function jsonMerge(args: Json[]): Json {
  const name = 'States.JsonMerge';
  arity(name, args, 3);
  const left = objectArg(name, args[0], 'first argument');
  const right = objectArg(name, args[1], 'second argument');
  if (typeof args[2] !== 'boolean') throw intrinsicFailure(name, 'the third argument (deep merge) must be a boolean');
  if (args[2]) throw intrinsicFailure(name, 'deep merging is not supported: the third argument must be false');
  return { ...left, ...right };
}

function stringToJson(args: Json[]): Json {
  arity('States.StringToJson', args, 1);
  const text = stringArg('States.StringToJson', args[0], 'argument');
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw intrinsicFailure('States.StringToJson', `the argument is not JSON text: ${describe(text)}`);
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mathRandom(args: Json[]): Json {
  const name = 'States.MathRandom';
  arity(name, args, 2, 3);
  const start = roundedArg(name, args[0], 'start');
  const end = roundedArg(name, args[1], 'end');
  const random = args.length === 3 ? seeded(integerArg(name, args[2], 'seed')) : Math.random;
  if (end <= start) throw intrinsicFailure(name, `the end (${end}) must be greater than the start (${start})`);
  return start + Math.floor(random() * (end - start));
}

function stringSplit(args: Json[]): Json {
  arity('States.StringSplit', args, 2);
  const text = stringArg('States.StringSplit', args[0], 'first argument');
  const delimiters = [...stringArg('States.StringSplit', args[1], 'delimiter')];
  if (delimiters.length === 0) return [text];
  const parts: string[] = [];
  let current = '';
  for (const char of text) {
    if (!delimiters.includes(char)) {
      current += char;
    } else if (current) {
      parts.push(current);
      current = '';
    }
  }
  if (current) parts.push(current);
  return parts;
}

function single(name: string, body: (value: Json) => Json): IntrinsicFunction {
  return (args) => {
    arity(name, args, 1);
    return body(args[0] as Json);
  };
}

function mathAdd(args: Json[]): Json {
  arity('States.MathAdd', args, 2);
  return (
    roundedArg('States.MathAdd', args[0], 'first argument') + roundedArg('States.MathAdd', args[1], 'second argument')
  );
}

function uuid(args: Json[]): Json {
  arity('States.UUID', args, 0);
  return randomUUID();
}

/** Every intrinsic but States.Format (which needs its template's raw text). */
export const FUNCTIONS: Record<string, IntrinsicFunction> = {
  'States.StringToJson': stringToJson,
  'States.JsonToString': single('States.JsonToString', (value) => JSON.stringify(value)),
  'States.Array': (args) => [...args],
  'States.ArrayPartition': arrayPartition,
  'States.ArrayContains': arrayContains,
  'States.ArrayRange': arrayRange,
  'States.ArrayGetItem': arrayGetItem,
  'States.ArrayLength': single(
    'States.ArrayLength',
    (value) => arrayArg('States.ArrayLength', value, 'argument').length,
  ),
  'States.ArrayUnique': arrayUnique,
  'States.Base64Encode': single('States.Base64Encode', (value) =>
    Buffer.from(limitedString('States.Base64Encode', value), 'utf8').toString('base64'),
  ),
  'States.Base64Decode': base64Decode,
  'States.Hash': hash,
  'States.JsonMerge': jsonMerge,
  'States.MathRandom': mathRandom,
  'States.MathAdd': mathAdd,
  'States.StringSplit': stringSplit,
  'States.UUID': uuid,
};
