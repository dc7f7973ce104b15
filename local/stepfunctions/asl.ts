/** The parts of an Amazon States Language definition the local cloud reads (the engine reads the rest). */
export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  Branches?: AslDefinition[];
  [field: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  Comment?: string;
}

/** The state machines nested in a state: a Map's iterator or item processor, a Parallel's branches. */
export const nestedDefinitions = (state: AslState): AslDefinition[] => [
  ...(state.Iterator ? [state.Iterator] : []),
  ...(state.ItemProcessor ? [state.ItemProcessor] : []),
  ...(state.Branches ?? []),
];
