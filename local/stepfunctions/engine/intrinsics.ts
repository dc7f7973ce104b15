/**
 * Evaluates an intrinsic function call (`States.Format('{}', $.a)`) against a scope: parse, then
 * evaluate arguments innermost first. A path argument that selects nothing is States.Runtime (as
 * AWS reports it); everything the functions refuse is States.IntrinsicFailure.
 */
import { FUNCTIONS, arity, intrinsicFailure, stringArg } from './intrinsic-functions';
import { isIntrinsic, parseIntrinsic, type IntrinsicNode } from './intrinsics-parser';
import { jsonText, lookupPath, notFoundCause } from './jsonpath';
import { ERRORS, StatesError, type Json, type Scope } from './types';

export { isIntrinsic } from './intrinsics-parser';

/** A template's pieces: literal text and `{}` placeholders (null). In a literal, `\{` `\}` are no placeholder. */
function templatePieces(template: string, escaped: boolean): (string | null)[] {
  const pieces: (string | null)[] = [];
  let text = '';
  for (let i = 0; i < template.length; i += 1) {
    const char = template.charAt(i);
    if (escaped && char === '\\' && i + 1 < template.length) {
      const next = template.charAt(i + 1);
      text += "'{}\\".includes(next) ? next : char + next;
      i += 1;
    } else if (char === '{' && template.charAt(i + 1) === '}') {
      pieces.push(text, null);
      text = '';
      i += 1;
    } else {
      text += char;
    }
  }
  pieces.push(text);
  return pieces;
}

function formatted(value: Json): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function format(args: Json[], nodes: IntrinsicNode[]): Json {
  const name = 'States.Format';
  arity(name, args, 1, Infinity);
  const first = nodes[0];
  const literal = first?.kind === 'literal' && first.raw !== undefined;
  const template = literal ? (first.raw ?? '') : stringArg(name, args[0], 'first argument');
  const pieces = templatePieces(template, literal);
  const holes = pieces.filter((piece) => piece === null).length;
  if (holes !== args.length - 1) {
    throw intrinsicFailure(
      name,
      `the template has ${holes} placeholder(s) '{}' but ${args.length - 1} value(s) follow it`,
    );
  }
  let next = 1;
  return pieces.map((piece) => piece ?? formatted(args[next++] as Json)).join('');
}

function evaluateNode(node: IntrinsicNode, scope: Scope): Json {
  if (node.kind === 'literal') return node.value;
  if (node.kind === 'path') {
    const result = lookupPath(node.path, scope);
    if (result.found) return result.value;
    if (node.path.startsWith('$') && /^\$[\p{L}_]/u.test(node.path)) {
      throw new StatesError(ERRORS.Runtime, notFoundCause(node.path, scope, node.path));
    }
    const document = node.path.startsWith('$$') ? scope.context : scope.input;
    throw new StatesError(
      ERRORS.Runtime,
      `The JsonPath argument for the field '${node.path}' could not be found in the input '${jsonText(document)}'`,
    );
  }
  const args = node.args.map((arg) => evaluateNode(arg, scope));
  if (node.name === 'States.Format') return format(args, node.args);
  const body = FUNCTIONS[node.name];
  if (!body) throw intrinsicFailure(node.name, 'no such intrinsic function');
  return body(args);
}

/**
 * The value of an intrinsic function call against the scope. A path argument that selects nothing
 * is States.Runtime with AWS's cause, which names the whole expression as written: `The function
 * 'States.Format('{}', $.nope)' had the following error: The JsonPath argument for the field …`.
 */
export function evaluateIntrinsic(expression: string, scope: Scope): Json {
  if (!isIntrinsic(expression)) {
    throw new StatesError(ERRORS.IntrinsicFailure, `'${expression}' is not an intrinsic function call`);
  }
  try {
    return evaluateNode(parseIntrinsic(expression), scope);
  } catch (error) {
    if (!(error instanceof StatesError) || error.error !== ERRORS.Runtime) throw error;
    throw new StatesError(ERRORS.Runtime, `The function '${expression}' had the following error: ${error.cause}`);
  }
}
