/**
 * JSONPath queries as Step Functions runs them: `$…` reads the state's input, `$$…` the context
 * object, `$name…` a workflow variable. A definite path (names and indexes only) selects one value
 * and fails with States.Runtime when it selects nothing; an indefinite one (wildcards, filters,
 * slices, unions, `..`) returns the array of what it matched, which may be empty.
 */
import { JSONPath } from 'jsonpath-plus';
import { ERRORS, StatesError, type Json, type Scope } from './types';

/** Where a path reads from and the `$…` path to apply there. */
export interface PathTarget {
  source: 'input' | 'context' | 'variable';
  /** The variable's name, for `source: 'variable'`. */
  name?: string;
  /** The path relative to the source, always starting with `$`. */
  path: string;
}

/** The outcome of a query that may select nothing. */
export type Lookup = { found: true; value: Json } | { found: false };

const VARIABLE = /^\$([\p{L}_][\p{L}\p{N}_]*)/u;

/** Tells which of input, context or a variable `path` reads, or throws States.Runtime if it is no path at all. */
export function pathTarget(path: string): PathTarget {
  if (path.startsWith('$$')) return { source: 'context', path: path.slice(1) };
  const variable = VARIABLE.exec(path);
  if (variable) return { source: 'variable', name: variable[1], path: `$${path.slice(variable[0].length)}` };
  if (path === '$' || path.startsWith('$.') || path.startsWith('$[')) return { source: 'input', path };
  throw new StatesError(ERRORS.Runtime, `Invalid path '${path}': a path must start with '$'`);
}

/** True when `path` starts with `$`, i.e. is a reference to the input, the context or a variable. */
export function isPath(text: string): boolean {
  return text.startsWith('$');
}

/** The path's components after `$` (jsonpath-plus's own parse, so both agree on syntax). */
export function pathComponents(path: string): string[] {
  return JSONPath.toPathArray(path).slice(1);
}

const INDEFINITE = /^(\*|\.\.|\?\(.*|\(.*)$|[:,]/;

/** True when the path can select more than one value (wildcards, filters, scripts, slices, unions, descent). */
export function isIndefinite(path: string): boolean {
  return pathComponents(path).some((part) => INDEFINITE.test(part));
}

function own(value: Json, part: string): Lookup {
  if (Array.isArray(value)) {
    if (!/^-?\d+$/.test(part)) return { found: false };
    const index = Number(part) < 0 ? value.length + Number(part) : Number(part);
    return index >= 0 && index < value.length ? { found: true, value: value[index] as Json } : { found: false };
  }
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, part)) {
    return { found: true, value: value[part] as Json };
  }
  return { found: false };
}

function walk(document: Json, path: string): Lookup {
  let current: Lookup = { found: true, value: document };
  for (const part of pathComponents(path)) {
    if (!current.found) break;
    current = own(current.value, part);
  }
  return current;
}

function queryDocument(document: Json, path: string): Lookup {
  if (!isIndefinite(path)) return walk(document, path);
  try {
    const matches: unknown = JSONPath({ path, json: document, wrap: true, eval: 'safe' });
    return { found: true, value: Array.isArray(matches) ? (matches as Json[]) : [] };
  } catch (error) {
    throw new StatesError(ERRORS.Runtime, `Invalid path '${path}': ${(error as Error).message}`);
  }
}

/** The document a path's target reads, or a not-found for an undefined variable. */
function documentOf(target: PathTarget, scope: Scope): Lookup {
  if (target.source === 'input') return { found: true, value: scope.input };
  if (target.source === 'context') return { found: true, value: scope.context };
  const name = target.name ?? '';
  return Object.prototype.hasOwnProperty.call(scope.variables, name)
    ? { found: true, value: scope.variables[name] as Json }
    : { found: false };
}

/** Evaluates `path` against the scope; `found: false` when a definite path (or the variable) selects nothing. */
export function lookupPath(path: string, scope: Scope): Lookup {
  const target = pathTarget(path);
  const document = documentOf(target, scope);
  return document.found ? queryDocument(document.value, target.path) : document;
}

/** Compact JSON, as AWS quotes values in its error causes. */
export function jsonText(value: Json): string {
  return JSON.stringify(value);
}

/** A path as Jayway JsonPath (AWS's) prints it in its causes: `$['a'][0]['b']`. */
const jaywayPath = (path: string): string =>
  `$${pathComponents(path)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `['${part}']`))
    .join('')}`;

/** The fields whose missing path AWS reports as Jayway's own "No results for path". */
const IO_FIELDS = new Set(['InputPath', 'OutputPath']);

/** AWS's cause for a path that selects nothing (or a variable that is not defined). */
export function notFoundCause(path: string, scope: Scope, field: string): string {
  const target = pathTarget(path);
  const document = documentOf(target, scope);
  if (!document.found) {
    return `The JSONPath '${path}' specified for the field '${field}' references the variable '${target.name}', which is not defined`;
  }
  if (IO_FIELDS.has(field) && target.source === 'input')
    return `Invalid path '${path}' : No results for path: ${jaywayPath(path)}`;
  return `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${jsonText(document.value)}'`;
}

/**
 * The value `path` selects in the scope. `field` names the ASL field for the error cause
 * (`InputPath`, `OutputPath`, `name.$`…). Throws States.Runtime when a definite path selects nothing.
 */
export function queryPath(path: string, scope: Scope, field: string): Json {
  const result = lookupPath(path, scope);
  if (!result.found) throw new StatesError(ERRORS.Runtime, notFoundCause(path, scope, field));
  return result.value;
}
