/**
 * The graph of a state machine, read from its ASL definition (DescribeStateMachine's `definition`):
 * one node per state, plus a Start and an End node as the AWS console draws them, and one edge per
 * way out of a state: Next, a Choice's choices and Default, and each Catch (labelled with the errors
 * it catches). Top-level states only: a Map's or Parallel's inner states are drawn as their parent.
 */

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Choices?: ({ Next: string } & Record<string, unknown>)[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; IntervalSeconds?: number; BackoffRate?: number }[];
  [field: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  Comment?: string;
  QueryLanguage?: 'JSONata' | 'JSONPath';
}

export type EdgeKind = 'start' | 'next' | 'choice' | 'default' | 'catch' | 'end';

export interface GraphNode {
  id: string;
  /** The state's type; `Start` and `End` for the two markers. */
  type: string;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface StateGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const START = '__start__';
export const END = '__end__';

export const parseDefinition = (definition: string): AslDefinition => {
  const value = JSON.parse(definition) as Partial<AslDefinition>;
  if (typeof value.StartAt !== 'string' || typeof value.States !== 'object' || value.States === null)
    throw new Error('The definition has no StartAt or States');
  return value as AslDefinition;
};

/** A short reading of a Choice rule: `$.status == "PAID"`, or its variable when the rule is compound. */
export const choiceLabel = (rule: Record<string, unknown>): string => {
  const variable = typeof rule.Variable === 'string' ? rule.Variable : undefined;
  const comparator = Object.keys(rule).find((key) => key !== 'Variable' && key !== 'Next');
  if (typeof rule.Condition === 'string') return rule.Condition;
  if (!variable || !comparator) return comparator ?? 'rule';
  const value = JSON.stringify(rule[comparator]);
  const operator = /Equals/.test(comparator)
    ? '=='
    : /LessThanEquals/.test(comparator)
      ? '<='
      : /GreaterThanEquals/.test(comparator)
        ? '>='
        : /LessThan/.test(comparator)
          ? '<'
          : /GreaterThan/.test(comparator)
            ? '>'
            : comparator;
  return `${variable} ${operator} ${value}`;
};

const isTerminal = (state: AslState) => state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';

/** The nodes and edges of a definition's graph. */
export const buildGraph = (definition: AslDefinition): StateGraph => {
  const nodes: GraphNode[] = [{ id: START, type: 'Start' }];
  const edges: GraphEdge[] = [
    { id: `${START}>${definition.StartAt}`, from: START, to: definition.StartAt, kind: 'start' },
  ];
  const add = (from: string, to: string, kind: EdgeKind, label?: string) => {
    const id = `${from}>${to}>${kind}`;
    const same = edges.find((edge) => edge.id === id);
    if (same) same.label = [same.label, label].filter(Boolean).join(' | ');
    else edges.push({ id, from, to, kind, ...(label && { label }) });
  };
  for (const [name, state] of Object.entries(definition.States)) {
    nodes.push({ id: name, type: state.Type });
    if (state.Next) add(name, state.Next, 'next');
    for (const choice of state.Choices ?? []) add(name, choice.Next, 'choice', choiceLabel(choice));
    if (state.Default) add(name, state.Default, 'default', 'Default');
    for (const rule of state.Catch ?? []) add(name, rule.Next, 'catch', rule.ErrorEquals.join(', '));
    if (isTerminal(state)) add(name, END, 'end');
  }
  nodes.push({ id: END, type: 'End' });
  return { nodes, edges };
};

/** What a Task calls: the function for a Lambda invoke, the table or topic for a service integration, else its Resource. */
export const resourceOf = (state: AslState | undefined): string | undefined => {
  if (!state?.Resource) return undefined;
  const parameters = state.Parameters ?? {};
  const target = parameters.FunctionName ?? parameters.TableName ?? parameters.TopicArn ?? parameters.StateMachineArn;
  const service = state.Resource.replace(/^arn:aws:states:::/, '');
  return typeof target === 'string'
    ? `${service} ${target.replace(/^arn:aws:[^:]+:[^:]*:[^:]*:(function:)?/, '')}`
    : state.Resource;
};
