/**
 * The values of a JSONPath state's fields (paths, payload templates, ARNs, Retry numbers, Choice
 * Rules…), checked against asl-validator's JSON schemas, compiled once per process: asl-validator
 * itself builds a new Ajv and compiles every schema on each call (~150 ms), and its JSONata schemas
 * refuse JSONata AWS accepts (`{%$x%}`, an Output array), so JSONata states are checked elsewhere.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { registerAll } from 'asl-path-validator';
import baseStateMachine from 'asl-validator/dist/src/schemas/base-state-machine.json';
import choice from 'asl-validator/dist/src/schemas/choice.json';
import common from 'asl-validator/dist/src/schemas/common.json';
import errors from 'asl-validator/dist/src/schemas/errors.json';
import fail from 'asl-validator/dist/src/schemas/fail.json';
import jsonata from 'asl-validator/dist/src/schemas/jsonata.json';
import map from 'asl-validator/dist/src/schemas/map.json';
import parallel from 'asl-validator/dist/src/schemas/parallel.json';
import pass from 'asl-validator/dist/src/schemas/pass.json';
import paths from 'asl-validator/dist/src/schemas/paths.json';
import stateMachine from 'asl-validator/dist/src/schemas/state-machine.json';
import state from 'asl-validator/dist/src/schemas/state.json';
import succeed from 'asl-validator/dist/src/schemas/succeed.json';
import task from 'asl-validator/dist/src/schemas/task.json';
import wait from 'asl-validator/dist/src/schemas/wait.json';
import type { Json, JsonObject } from './types';
import { type Diagnostic, isObject, schemaError, type StateAt } from './validate-walk';

const SCHEMAS = [baseStateMachine, choice, common, errors, fail, jsonata, map, parallel, pass, paths];
const ALL_SCHEMAS = [...SCHEMAS, stateMachine, state, succeed, task, wait];

/** An ARN of any partition, or a `${Placeholder}` a template substitutes before deployment. */
const ARN = /^arn:aws[a-z-]*:[^:\s]+:[^:\s]*:\d*:\S+$/;

const FORMAT_MESSAGES: Record<string, string> = {
  asl_path: 'is not a valid JSONPath',
  asl_ref_path: 'is not a valid reference path',
  asl_result_path: 'is not a valid reference path',
  asl_payload_template: 'is not a valid payload template',
  asl_arn: 'is not a valid resource ARN',
};

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

const compiler = (): Ajv => {
  if (!ajv) {
    // Not inlining refs nor optimising the generated code halves the one-time compilation (~220 ms for
    // all eight types instead of ~500), and a 30-state definition still validates in ~3 ms.
    const options = { inlineRefs: false, code: { optimize: false }, allowUnionTypes: true, strict: false };
    ajv = new Ajv({ ...options, schemas: ALL_SCHEMAS });
    addFormats(ajv);
    registerAll(ajv);
    ajv.addFormat('asl_arn', (value: string) => ARN.test(value));
    ajv.addFormat('jsonata_string', () => true);
    ajv.addFormat('maybe_jsonata_string', () => true);
  }
  return ajv;
};

/** The JSONPath variant of a type's schema (each type's `oneOf` lists JSONPath first, JSONata second). */
const validatorOf = (type: string): ValidateFunction => {
  let validate = validators.get(type);
  if (!validate) {
    const ref = `http://asl-validator.cloud/${type.toLowerCase()}.json#/oneOf/0`;
    validate = compiler().compile({ $ref: ref });
    validators.set(type, validate);
  }
  return validate;
};

/** A nested machine reduced to one Succeed state: its own states are checked on their own. */
const stub = (machine: Json): Json =>
  isObject(machine)
    ? { ...machine, StartAt: 'S', States: { S: { Type: 'Succeed', QueryLanguage: 'JSONPath' } } }
    : machine;

const alone = (entry: StateAt): JsonObject => {
  const copy: JsonObject = { ...entry.state, QueryLanguage: 'JSONPath' };
  if (Array.isArray(copy.Branches)) copy.Branches = copy.Branches.map(stub);
  if (copy.ItemProcessor !== undefined) copy.ItemProcessor = stub(copy.ItemProcessor);
  if (copy.Iterator !== undefined) copy.Iterator = stub(copy.Iterator);
  return copy;
};

/** Keywords by how much they tell: a `oneOf` merely says that none of its choices fit. */
const RANK = ['format', 'enum', 'type', 'minimum', 'maximum', 'exclusiveMinimum', 'minItems', 'required', 'pattern'];
const rank = (e: ErrorObject) => (RANK.includes(e.keyword) ? RANK.indexOf(e.keyword) : e.keyword === 'oneOf' ? 99 : 50);

/** The deepest errors only (a parent's `oneOf` repeats that a child failed), and one per location. */
const deepest = (found: ErrorObject[]): ErrorObject[] => {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const max = Math.max(...found.map(depth));
  const best = new Map<string, ErrorObject>();
  for (const e of found.filter((e) => depth(e) === max)) {
    const kept = best.get(e.instancePath);
    if (!kept || rank(e) < rank(kept)) best.set(e.instancePath, e);
  }
  return [...best.values()];
};

/** The field a location names: `OutputPath`, or `Choices[0]` for an array's item. */
const fieldOf = (instancePath: string): string => {
  const segments = instancePath.split('/').filter(Boolean);
  const last = segments.pop() ?? 'Type';
  return /^\d+$/.test(last) ? `${segments.pop() ?? ''}[${last}]` : last;
};

const diagnosticOf = (found: ErrorObject, at: string): Diagnostic => {
  const format = found.keyword === 'format' ? FORMAT_MESSAGES[String(found.params.format)] : undefined;
  const message = format ?? (found.keyword === 'oneOf' ? 'is not valid' : (found.message ?? 'is not valid'));
  return schemaError(`Field '${fieldOf(found.instancePath)}' ${message}`, `${at}${found.instancePath}`);
};

/** The schema's errors for one JSONPath state (none for a JSONata state, or a type the schemas do not know). */
export const stateSchemaErrors = (entry: StateAt): Diagnostic[] => {
  const type = entry.state.Type;
  if (entry.language !== 'JSONPath' || typeof type !== 'string') return [];
  const validate = validatorOf(type);
  if (validate(alone(entry))) return [];
  return deepest(validate.errors ?? []).map((found) => diagnosticOf(found, entry.at));
};
