import { ServiceError } from '../support/errors';
import { type JsonBody, optionalNumber, optionalString, requiredString } from '../support/json-body';
import { validateDefinition } from './engine/validate';
import type { StepFunctionsService } from './service';
import { testState } from './test-state';

// The Step Functions actions that make, change and test state machines, and answer task tokens
// (api.ts has the executions').

const seconds = (ms: number) => ms / 1000;

const TYPES = ['STANDARD', 'EXPRESS'] as const;
const SEVERITIES = ['ERROR', 'WARNING'];

const stateMachineType = (body: JsonBody): (typeof TYPES)[number] | undefined => {
  const type = optionalString(body, 'type');
  if (type !== undefined && !TYPES.includes(type as (typeof TYPES)[number]))
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
    );
  return type as (typeof TYPES)[number] | undefined;
};

const validate = (body: JsonBody) => {
  const severity = optionalString(body, 'severity') ?? 'ERROR';
  if (!SEVERITIES.includes(severity))
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${severity}' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]`,
    );
  const maxResults = optionalNumber(body, 'maxResults');
  return validateDefinition(requiredString(body, 'definition'), {
    severity: severity as 'ERROR' | 'WARNING',
    ...(maxResults !== undefined && maxResults > 0 && { maxResults }),
  });
};

/** The actions of this file, by name: each answers the action's output, or throws AWS's error. */
export const machineActions: Record<string, (service: StepFunctionsService, body: JsonBody) => unknown> = {
  CreateStateMachine: (service, body) => {
    const spec = service.machines.create({
      name: requiredString(body, 'name'),
      definition: requiredString(body, 'definition'),
      roleArn: requiredString(body, 'roleArn'),
      type: stateMachineType(body),
    });
    return { stateMachineArn: spec.arn, creationDate: seconds(spec.creationDate) };
  },
  UpdateStateMachine: (service, body) => {
    const spec = service.machines.update(requiredString(body, 'stateMachineArn'), {
      definition: optionalString(body, 'definition'),
      roleArn: optionalString(body, 'roleArn'),
    });
    return { updateDate: seconds(spec.updateDate ?? Date.now()) };
  },
  DeleteStateMachine: (service, body) => {
    service.machines.delete(requiredString(body, 'stateMachineArn'));
    return {};
  },
  ValidateStateMachineDefinition: (_service, body) => validate(body),
  SendTaskSuccess: (service, body) => {
    service.tokens.succeed(requiredString(body, 'taskToken'), requiredString(body, 'output'));
    return {};
  },
  SendTaskFailure: (service, body) => {
    service.tokens.fail(
      requiredString(body, 'taskToken'),
      optionalString(body, 'error'),
      optionalString(body, 'cause'),
    );
    return {};
  },
  SendTaskHeartbeat: (service, body) => {
    service.tokens.heartbeat(requiredString(body, 'taskToken'));
    return {};
  },
  TestState: (service, body) => testState(service, body),
};
