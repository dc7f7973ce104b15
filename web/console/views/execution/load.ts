import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { type AslDefinition, parseDefinition } from '../../model/definition';

export interface LoadedExecution {
  execution: DescribeExecutionCommandOutput;
  history: HistoryEvent[];
}

/** Every event of an execution's history, oldest first, page after page. */
export const fetchHistory = async (sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> => {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
};

/** The execution (DescribeExecution, with its redrive fields) and its whole history. */
export const loadExecution = async (sfn: SFNClient, executionArn: string): Promise<LoadedExecution> => {
  const [execution, history] = await Promise.all([
    sfn.send(new DescribeExecutionCommand({ executionArn })),
    fetchHistory(sfn, executionArn),
  ]);
  return { execution, history };
};

const definitions = new Map<string, Promise<AslDefinition>>();

/** A state machine's definition (DescribeStateMachine), read once per page. */
export const loadDefinition = (sfn: SFNClient, stateMachineArn: string): Promise<AslDefinition> => {
  if (!definitions.has(stateMachineArn)) {
    const loading = sfn
      .send(new DescribeStateMachineCommand({ stateMachineArn }))
      .then((machine) => parseDefinition(machine.definition ?? ''));
    loading.catch(() => definitions.delete(stateMachineArn));
    definitions.set(stateMachineArn, loading);
  }
  return definitions.get(stateMachineArn)!;
};

/** What "Export JSON" saves: the execution as described and its history, as the SDK reads them. */
export const exportJson = (loaded: LoadedExecution, definition?: AslDefinition): string => {
  const { $metadata: _metadata, ...execution } = loaded.execution;
  return JSON.stringify({ execution, definition, events: loaded.history }, null, 2);
};
