/**
 * The JSONata strings (`{% … %}`) of JSONata states, parsed at definition time as AWS does: one that
 * does not parse is INVALID_JSONATA_EXPRESSION with jsonata's own message; one that reads the input
 * document at its top level (`phone`, `$`, `$$`) is UNSUPPORTED_JSONATA_EXPRESSION, since Step
 * Functions gives expressions no input document (the input is `$states.input`).
 */
import jsonata from 'jsonata';
import type { Json } from './types';
import { type Diagnostic, error, isObject, type StateAt } from './validate-walk';

/** The part of jsonata's AST this check reads (jsonata's own `ExprNode` type leaves most of it out). */
interface Node {
  type: string;
  value?: unknown;
  steps?: Node[];
  expressions?: Node[];
  arguments?: Node[];
  procedure?: Node;
  expression?: Node;
  condition?: Node;
  then?: Node;
  else?: Node;
  lhs?: Node | Node[][];
  rhs?: Node;
}

/** Fields whose values are never JSONata, or are other machines' states (checked as states of their own). */
const SKIPPED = new Set([
  'Type',
  'Comment',
  'QueryLanguage',
  'Next',
  'End',
  'Default',
  'Branches',
  'ItemProcessor',
  'Iterator',
]);

/** A JSONata string's expression: the text between `{%` and `%}`, or undefined for any other string. */
export const expressionOf = (value: string): string | undefined =>
  value.startsWith('{%') && value.endsWith('%}') && value.length >= 4 ? value.slice(2, -2) : undefined;

/**
 * The names an expression reads from the input document at its top level: a path that starts with a
 * field name, `$` or `$$`, anywhere but inside a later path step, a predicate or a function body.
 */
const topLevelReferences = (node: Node | undefined): string[] => {
  if (!node) return [];
  switch (node.type) {
    case 'name':
      return [String(node.value)];
    case 'variable':
      return node.value === '' || node.value === '$' ? [`$${String(node.value)}`] : [];
    case 'path':
      return topLevelReferences(node.steps?.[0]);
    case 'binary':
    case 'apply':
      return [...topLevelReferences(node.lhs as Node), ...topLevelReferences(node.rhs)];
    case 'bind':
      return topLevelReferences(node.rhs);
    case 'condition':
      return [node.condition, node.then, node.else].flatMap(topLevelReferences);
    case 'block':
      return (node.expressions ?? []).flatMap(topLevelReferences);
    case 'function':
    case 'partial':
      return [node.procedure, ...(node.arguments ?? [])].flatMap(topLevelReferences);
    case 'unary':
      if (node.value === '[') return (node.expressions ?? []).flatMap(topLevelReferences);
      if (node.value === '{') return ((node.lhs as Node[][] | undefined) ?? []).flat().flatMap(topLevelReferences);
      return topLevelReferences(node.expression);
    default:
      return [];
  }
};

const expressionErrors = (expression: string, at: string): Diagnostic[] => {
  let ast: Node;
  try {
    ast = jsonata(expression).ast() as unknown as Node;
  } catch (thrown) {
    // jsonata throws plain objects ({ code, message, position, token }), not Errors.
    const message = isObject(thrown as Json) ? String((thrown as { message?: unknown }).message) : String(thrown);
    return [error('INVALID_JSONATA_EXPRESSION', message, at)];
  }
  return [...new Set(topLevelReferences(ast))].map((name) =>
    error('UNSUPPORTED_JSONATA_EXPRESSION', `Reference to '${name}' at the top level is not supported.`, at),
  );
};

const valueErrors = (value: Json, at: string): Diagnostic[] => {
  if (typeof value === 'string') {
    const expression = expressionOf(value);
    return expression === undefined ? [] : expressionErrors(expression, at);
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => valueErrors(item, `${at}/${i}`));
  if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => valueErrors(item, `${at}/${key}`));
  return [];
};

/** Every JSONata string of a JSONata state (its nested machines' states are states of their own). */
export const jsonataErrors = (entry: StateAt): Diagnostic[] => {
  if (entry.language !== 'JSONata') return [];
  return Object.entries(entry.state)
    .filter(([field]) => !SKIPPED.has(field))
    .flatMap(([field, value]) => valueErrors(value, `${entry.at}/${field}`));
};
