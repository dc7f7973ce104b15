/**
 * The data flow of a state, as the AWS console's step details draw it from TestState's DEBUG answer
 * (`inspectionData`): JSONata's input → Arguments → result → Output, or JSONPath's input →
 * InputPath → Parameters → result → ResultSelector → ResultPath → OutputPath. Each step is the value
 * after that field; a step the answer does not carry (a Choice has no result) is left out.
 * Pure, and unit-tested in test/unit/console/data-flow.test.ts.
 */

export type QueryLanguage = 'JSONata' | 'JSONPath';

/** The parts of TestState's answer this reads (the SDK's TestStateCommandOutput has them). */
export interface TestStateAnswer {
  status?: string;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: {
    input?: string;
    afterInputPath?: string;
    afterParameters?: string;
    afterArguments?: string;
    result?: string;
    afterResultSelector?: string;
    afterResultPath?: string;
    variables?: string;
  };
}

export interface DataFlowStep {
  /** What the step is (`Input`, `After InputPath`…). */
  label: string;
  /** The state's field that makes it, when there is one. */
  field?: string;
  /** The value, as JSON text. */
  value: string;
}

type Inspection = NonNullable<TestStateAnswer['inspectionData']>;
type Source = [label: string, field: string | undefined, key: keyof Inspection | 'output'];

const JSONATA: Source[] = [
  ['Input', undefined, 'input'],
  ['Arguments', 'Arguments', 'afterArguments'],
  ['Result', undefined, 'result'],
  ['Output', 'Output', 'output'],
];

const JSONPATH: Source[] = [
  ['Input', undefined, 'input'],
  ['After InputPath', 'InputPath', 'afterInputPath'],
  ['After Parameters', 'Parameters', 'afterParameters'],
  ['Result', undefined, 'result'],
  ['After ResultSelector', 'ResultSelector', 'afterResultSelector'],
  ['After ResultPath', 'ResultPath', 'afterResultPath'],
  ['Output (after OutputPath)', 'OutputPath', 'output'],
];

/** The state's data flow, in order; the output only when the state succeeded or was caught. */
export const dataFlowSteps = (answer: TestStateAnswer, language: QueryLanguage): DataFlowStep[] => {
  const inspection = answer.inspectionData ?? {};
  const steps: DataFlowStep[] = [];
  for (const [label, field, key] of language === 'JSONata' ? JSONATA : JSONPATH) {
    const value = key === 'output' ? answer.output : inspection[key];
    if (typeof value !== 'string') continue;
    steps.push({ label, ...(field && { field }), value });
  }
  return steps;
};

/** The query language a state is written in: its own QueryLanguage, else the machine's, else JSONPath. */
export const queryLanguageOf = (definition: object, state: object | undefined): QueryLanguage => {
  const language = (of: object | undefined) => (of as { QueryLanguage?: unknown } | undefined)?.QueryLanguage;
  return (language(state) ?? language(definition)) === 'JSONata' ? 'JSONata' : 'JSONPath';
};
