/** The parts of an Amazon States Language definition the stack's tests read (the engine has its own, engine/host.ts). */
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
