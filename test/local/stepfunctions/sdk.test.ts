import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  TestStateCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdge } from '../../../local/http/edge';
import { close } from '../../../local/http/listening';
import { stepFunctionsEdge } from '../../../local/stepfunctions/api';
import { StepFunctionsService } from '../../../local/stepfunctions/service';

// The AWS SDK, unchanged, against the edge's Step Functions: a state machine of one's own in JSONata
// with Variables, its executions, ValidateStateMachineDefinition and TestState.

let server: Server;
let sfn: SFNClient;
beforeAll(async () => {
  const service = new StepFunctionsService(
    [],
    {
      invokeLambda: (_name, payload) => Promise.resolve({ payload: { echoed: payload } }),
      publish: () => ({ MessageId: 'm-1' }),
      dynamodb: () => Promise.resolve({}),
    },
    { region: 'us-east-1' },
  );
  server = createEdge([stepFunctionsEdge(service)], () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // TestState's endpoint is `sync-states…` on AWS: the SDK puts `sync-` before the host, which a
    // local endpoint (127.0.0.1, localhost) does not have.
    disableHostPrefix: true,
  });
});
afterAll(async () => {
  sfn.destroy();
  await close(server);
});

const definition = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Greet',
  States: {
    Greet: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: 'greeter', Payload: { name: '{% $states.input.name %}' } },
      Assign: { greeting: "{% 'Hello, ' & $states.result.Payload.echoed.name %}" },
      Output: '{% $states.input %}',
      Next: 'Shout',
    },
    Shout: { Type: 'Pass', Output: { text: '{% $uppercase($greeting) %}', items: '{% $range(1, 3, 1) %}' }, End: true },
  },
});

test('CreateStateMachine, StartExecution and DescribeExecution through the SDK', async () => {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: 'Greeter',
      definition,
      roleArn: 'arn:aws:iam::000000000000:role/Greeter',
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ name: 'Ada' }) }),
  );
  let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  for (let i = 0; described.status === 'RUNNING' && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  }

  expect(described.status).toBe('SUCCEEDED');
  expect(JSON.parse(described.output!)).toEqual({ text: 'HELLO, ADA', items: [1, 2, 3] });
  await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
});

test('ValidateStateMachineDefinition and TestState through the SDK', async () => {
  const invalid = await sfn.send(
    new ValidateStateMachineDefinitionCommand({
      definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }),
    }),
  );
  const tested = await sfn.send(
    new TestStateCommand({
      definition: JSON.stringify({
        Type: 'Pass',
        QueryLanguage: 'JSONata',
        Assign: { seen: '{% $states.input.n + $offset %}' },
        Output: '{% $states.input.n * 2 %}',
        Next: 'After',
      }),
      input: '{"n":21}',
      variables: '{"offset":1}',
      inspectionLevel: 'DEBUG',
    }),
  );

  expect(invalid.result).toBe('FAIL');
  expect(invalid.diagnostics).toEqual(
    expect.arrayContaining([expect.objectContaining({ severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET' })]),
  );
  expect(tested).toMatchObject({ status: 'SUCCEEDED', output: '42', nextState: 'After' });
  expect(JSON.parse(tested.inspectionData!.variables!)).toEqual({ offset: 1, seen: 22 });
});
