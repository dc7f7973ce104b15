import type { StackModel } from '../cloudformation/model';
import { propertiesOf } from '../cloudformation/template';

export interface RuleTarget {
  id: string;
  arn: string;
  /** A constant JSON text the target gets instead of the event. */
  input?: string;
  /** A JSONPath (`$.detail` …) into the event: the part the target gets. */
  inputPath?: string;
}

export interface RuleSpec {
  logicalId: string;
  name: string;
  arn: string;
  enabled: boolean;
  /** `rate(1 minute)` … (or `cron(…)`, which the local cloud does not run). */
  scheduleExpression?: string;
  eventPattern?: Record<string, unknown>;
  targets: RuleTarget[];
}

interface RuleProperties {
  ScheduleExpression: unknown;
  EventPattern: unknown;
  State: unknown;
  Targets: { Id: unknown; Arn: unknown; Input?: unknown; InputPath?: unknown }[];
}

/** The template's EventBridge rules (AWS::Events::Rule): schedules and event patterns, with their targets. */
export const ruleSpecs = (model: StackModel): RuleSpec[] =>
  model.ofType('AWS::Events::Rule').map(([logicalId, resource]) => {
    const p = propertiesOf<RuleProperties>(resource);
    const name = model.physicalName(logicalId);
    const pattern = p.EventPattern === undefined ? undefined : model.resolve(p.EventPattern);
    return {
      logicalId,
      name,
      arn: String(model.getAtt(logicalId, 'Arn')),
      enabled: p.State === undefined || p.State === 'ENABLED',
      ...(p.ScheduleExpression !== undefined && { scheduleExpression: String(model.resolve(p.ScheduleExpression)) }),
      ...(pattern !== undefined && {
        eventPattern: (typeof pattern === 'string' ? JSON.parse(pattern) : pattern) as Record<string, unknown>,
      }),
      targets: (p.Targets ?? []).map((target) => ({
        id: String(model.resolve(target.Id)),
        arn: String(model.resolve(target.Arn)),
        ...(target.Input !== undefined && { input: String(model.resolve(target.Input)) }),
        ...(target.InputPath !== undefined && { inputPath: String(model.resolve(target.InputPath)) }),
      })),
    };
  });

const UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** The period of a `rate(…)` expression in milliseconds; undefined for anything else (cron). */
export const ratePeriodMs = (expression: string): number | undefined => {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!rate) return undefined;
  const value = Number(rate[1]);
  const unit = rate[2]!;
  // AWS's own rule: 1 takes the singular, anything else the plural.
  if (value < 1 || (value === 1) !== !unit.endsWith('s')) return undefined;
  return value * UNITS[unit]!;
};
