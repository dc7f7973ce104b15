import { type Chaos, COMMON_EFFECTS } from '../chaos/faults';
import type { FaultTarget, LocalService } from '../http/local-service';
import { type HttpResponse, json } from '../http/messages';
import { ServiceError } from '../support/errors';
import { page as pageOf } from '../support/paging';
import {
  type JsonBody,
  optionalBoolean,
  optionalNumber,
  optionalString,
  parseJsonBody,
  requiredString,
} from '../support/json-body';
import { machineActions } from './api-machines';
import type { ExecutionRecord } from './executions';
import type { StepFunctionsService } from './service';

const seconds = (ms?: number) => (ms === undefined ? undefined : ms / 1000);

const summary = (r: ExecutionRecord) => ({
  executionArn: r.executionArn,
  stateMachineArn: r.stateMachineArn,
  name: r.name,
  status: r.status,
  startDate: seconds(r.startDate),
  stopDate: seconds(r.stopDate),
  redriveCount: r.redriveCount,
  redriveDate: seconds(r.redriveDate),
});

const REDRIVE_FILTERS = ['REDRIVEN', 'NOT_REDRIVEN'];
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** An optional enum member: absent, or one of its values (AWS's ValidationException otherwise). */
const optionalEnum = (body: JsonBody, name: string, values: string[]): string | undefined => {
  const value = optionalString(body, name);
  if (value !== undefined && !values.includes(value)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    );
  }
  return value;
};

/** A page of a list (maxResults, 100 when absent or 0), with the opaque token of the next one. */
const page = <T>(items: T[], maxResults?: number, nextToken?: string) =>
  pageOf(
    items,
    maxResults && maxResults > 0 ? maxResults : 100,
    nextToken,
    () => new ServiceError('InvalidToken', `Invalid Token: '${nextToken?.slice(0, 100)}'`),
  );

const describeExecution = (service: StepFunctionsService, r: ExecutionRecord) => {
  const output = service.outputOf(r);
  return {
    ...summary(r),
    input: service.inputOf(r),
    inputDetails: { included: true },
    ...(output !== undefined && { output, outputDetails: { included: true } }),
    ...(r.error !== undefined && { error: r.error }),
    ...(r.cause !== undefined && { cause: r.cause }),
    ...(r.traceHeader !== undefined && { traceHeader: r.traceHeader }),
    ...redriveOf(service, r),
  };
};

/** DescribeExecution's redrive members: the count, the last redrive's date, and whether a redrive would be accepted now. */
const redriveOf = (service: StepFunctionsService, r: ExecutionRecord) => {
  const { status, reason } = service.redriveStatus(r);
  return {
    redriveCount: r.redriveCount,
    redriveDate: seconds(r.redriveDate),
    redriveStatus: status,
    ...(reason !== undefined && { redriveStatusReason: reason }),
  };
};

/** An execution ARN, as AWS checks its form before looking it up (InvalidArn). */
const executionArnOf = (body: JsonBody): string => {
  const arn = requiredString(body, 'executionArn');
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn))
    throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  return arn;
};

const listExecutions = (service: StepFunctionsService, body: JsonBody) => {
  const { spec } = service.machine(requiredString(body, 'stateMachineArn'));
  const statusFilter = optionalEnum(body, 'statusFilter', STATUSES);
  const redriveFilter = optionalEnum(body, 'redriveFilter', REDRIVE_FILTERS);
  const redriveMatches = (r: ExecutionRecord) =>
    !redriveFilter || (redriveFilter === 'REDRIVEN') === r.redriveCount > 0;
  // Records are kept in the order executions started: newest first is that order reversed, no sort.
  const all = [...service.executions()]
    .reverse()
    .filter((r) => r.stateMachineArn === spec.arn && (!statusFilter || r.status === statusFilter) && redriveMatches(r));
  const { items, nextToken } = page(all, optionalNumber(body, 'maxResults'), optionalString(body, 'nextToken'));
  return { executions: items.map(summary), ...(nextToken && { nextToken }) };
};

const getExecutionHistory = (service: StepFunctionsService, body: JsonBody) => {
  let events = service
    .history(requiredString(body, 'executionArn'))
    .map((event) => ({ ...event, timestamp: seconds(event.timestamp) }));
  if (optionalBoolean(body, 'includeExecutionData') === false)
    events = events.map(({ id, previousEventId, timestamp, type }) => ({ id, previousEventId, timestamp, type }));
  if (optionalBoolean(body, 'reverseOrder')) events.reverse();
  const { items, nextToken } = page(events, optionalNumber(body, 'maxResults'), optionalString(body, 'nextToken'));
  return { events: items, ...(nextToken && { nextToken }) };
};

const describeStateMachine = (service: StepFunctionsService, arn: string) => {
  const { spec } = service.machine(arn);
  return {
    stateMachineArn: spec.arn,
    name: spec.name,
    status: 'ACTIVE',
    definition: spec.definition,
    roleArn: spec.roleArn,
    type: spec.type,
    creationDate: seconds(spec.creationDate),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
  };
};

/** The Step Functions JSON 1.0 API (`X-Amz-Target: AWSStepFunctions.<Action>`): one action's answer. */
export const handleStepFunctionsAction = (
  service: StepFunctionsService,
  action: string,
  body: JsonBody,
  /** The request's `X-Amzn-Trace-Id`, which StartExecution prefers to its body's `traceHeader`. */
  traceHeader?: string,
): unknown => {
  switch (action) {
    case 'StartExecution': {
      const record = service.startExecution(
        requiredString(body, 'stateMachineArn'),
        optionalString(body, 'name'),
        optionalString(body, 'input'),
        traceHeader ?? optionalString(body, 'traceHeader'),
      );
      return { executionArn: record.executionArn, startDate: seconds(record.startDate) };
    }
    case 'DescribeExecution':
      return describeExecution(service, service.execution(requiredString(body, 'executionArn')));
    case 'RedriveExecution':
      return {
        redriveDate: seconds(
          service.redriveExecution(executionArnOf(body), optionalString(body, 'clientToken')).redriveDate,
        ),
      };
    case 'StopExecution':
      return {
        stopDate: seconds(
          service.stopExecution(
            requiredString(body, 'executionArn'),
            optionalString(body, 'error'),
            optionalString(body, 'cause'),
          ).stopDate,
        ),
      };
    case 'ListExecutions':
      return listExecutions(service, body);
    case 'GetExecutionHistory':
      return getExecutionHistory(service, body);
    case 'ListStateMachines': {
      const all = service.stateMachines.map((s) => ({
        stateMachineArn: s.arn,
        name: s.name,
        type: s.type,
        creationDate: seconds(s.creationDate),
      }));
      const { items, nextToken } = page(all, optionalNumber(body, 'maxResults'), optionalString(body, 'nextToken'));
      return { stateMachines: items, ...(nextToken && { nextToken }) };
    }
    case 'DescribeStateMachine':
      return describeStateMachine(service, requiredString(body, 'stateMachineArn'));
    case 'DescribeStateMachineForExecution': {
      const { spec } = service.machine(service.execution(requiredString(body, 'executionArn')).stateMachineArn);
      return {
        stateMachineArn: spec.arn,
        name: spec.name,
        definition: spec.definition,
        roleArn: spec.roleArn,
        updateDate: seconds(spec.updateDate ?? spec.creationDate),
      };
    }
    default:
      if (Object.hasOwn(machineActions, action)) return machineActions[action]!(service, body);
      throw new ServiceError(
        'UnknownOperationException',
        `Step Functions action ${action} is not supported by the local cloud`,
      );
  }
};

/**
 * A Step Functions request on the edge: the action from `X-Amz-Target`, the JSON body, AWS's error
 * shape. Faults (`/_local/chaos/faults`, service `states`) fire before the action.
 */
export const handleStepFunctionsRequest = async (
  service: StepFunctionsService,
  action: string,
  body: Buffer,
  chaos?: Chaos,
  traceHeader?: string,
): Promise<HttpResponse> => {
  const headers = { 'content-type': 'application/x-amz-json-1.0' };
  try {
    await chaos?.apply({ service: 'states', operation: action });
    return json(200, await handleStepFunctionsAction(service, action, parseJsonBody(body), traceHeader), headers);
  } catch (error) {
    if (error instanceof ServiceError)
      return json(error.status, { __type: error.code, message: error.message }, headers);
    throw error;
  }
};

export const STATES_FAULTS: FaultTarget = { service: 'states', effects: COMMON_EFFECTS };

const TARGET = 'AWSStepFunctions.';

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Step Functions on the edge: JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Action>`. */
export const stepFunctionsEdge = (service: StepFunctionsService, chaos?: Chaos): LocalService => ({
  name: 'stepfunctions',
  recognises: (request) => request.target.startsWith(TARGET),
  handle: async (request) =>
    handleStepFunctionsRequest(
      service,
      request.target.slice(TARGET.length),
      await request.body(),
      chaos,
      headerText(request.req.headers['x-amzn-trace-id']),
    ),
  health: () => 'running',
  faults: STATES_FAULTS,
});
