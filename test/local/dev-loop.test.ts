import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../e2e/support';
import { edgeConfig, tokenFor } from '../reliability/support';
import { type CloudProcess, startCloudProcess, stopCloudProcess } from '../support/cloud-process';
import { projectCopy, type ProjectCopy } from '../support/project-copy';

// `npm start`'s watch of the stack, in a copy of the project: a change to the state machine's
// definition is synthesized while the cloud serves and applied as UpdateStateMachine; any other change
// of the stack restarts the cloud in place on the same ports, with its data kept.

let copy: ProjectCopy;
let cloud: CloudProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'shop-dev-loop-'));

beforeAll(async () => {
  copy = projectCopy({ stack: true });
  cloud = await startCloudProcess('dev-loop', ['--no-synth'], { root: copy.root, dataDir, watch: true });
}, 300_000);

afterAll(async () => {
  await stopCloudProcess(cloud?.child);
  copy?.remove();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** What the cloud printed since `from` (a length of its log): a test's own change, not an earlier one's. */
const logSince = (from: number) => () => readFileSync(cloud.logFile, 'utf8').slice(from);
const logLength = () => readFileSync(cloud.logFile, 'utf8').length;

const balance = async (token: string) => {
  const response = await fetch(`${cloud.api}/billing/account`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { balance: number }).balance;
};

test('a change to the state machine is applied as UpdateStateMachine: no restart, data kept, the new definition running', async () => {
  const token = await tokenFor(cloud, 'bob');
  const deposit = await fetch(`${cloud.api}/billing/account/deposit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1234 }),
  });
  expect(deposit.status).toBe(200);
  const before = await balance(token);
  const asl = join(copy.root, 'statemachines', 'order-saga.asl.json');
  const definition = JSON.parse(readFileSync(asl, 'utf8')) as { Comment: string };

  const log = logSince(logLength());
  writeFileSync(asl, JSON.stringify({ ...definition, Comment: `${definition.Comment} (edited)` }, null, 2));
  await eventually(
    () => Promise.resolve(/applied as UpdateStateMachine \([^)]+\): no restart/.test(log()) ? true : undefined),
    'the new definition to be applied',
    180_000,
  );

  expect(log()).toMatch(/the stack changed \(statemachines\/order-saga\.asl\.json\): synthesizing/);
  expect(log()).not.toMatch(/restarted in place/);
  expect(await balance(token)).toBe(before);
  const sfn = new SFNClient(edgeConfig(cloud));
  const outputs = (await (await fetch(`${cloud.edge}/_local/outputs`)).json()) as { StateMachineArn: string };
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: outputs.StateMachineArn }));
  expect((JSON.parse(described.definition!) as { Comment: string }).Comment).toMatch(/\(edited\)$/);
  sfn.destroy();
}, 240_000);

test('a change to the stack restarts the cloud in place: same ports, data kept', async () => {
  const token = await tokenFor(cloud, 'bob');
  const before = await balance(token);
  const construct = join(copy.root, 'stacks', 'constructs', 'shop-function.ts');
  const source = readFileSync(construct, 'utf8');
  expect(source).toContain('memorySize: props.memorySize ?? 256,');

  const log = logSince(logLength());
  writeFileSync(
    construct,
    source.replace('memorySize: props.memorySize ?? 256,', 'memorySize: props.memorySize ?? 320,'),
  );
  await eventually(
    () => Promise.resolve(/restarted in place in [\d.]+ s/.test(log()) ? true : undefined),
    'the cloud to restart in place',
    180_000,
  );

  expect(log()).toMatch(/synthesized in [\d.]+ s: restarting in place \(data and running executions are kept\)/);
  expect(await balance(await tokenFor(cloud, 'bob'))).toBe(before);
}, 240_000);

test('a state machine that does not validate is refused: the cloud keeps running the last template', async () => {
  const asl = join(copy.root, 'statemachines', 'order-saga.asl.json');
  const definition = JSON.parse(readFileSync(asl, 'utf8')) as { StartAt: string; States: Record<string, object> };
  const log = logSince(logLength());

  writeFileSync(
    asl,
    JSON.stringify(
      { ...definition, States: { ...definition.States, [definition.StartAt]: { Type: 'Pass', Next: 'NoSuchState' } } },
      null,
      2,
    ),
  );
  await eventually(
    () =>
      Promise.resolve(
        /the new template cannot run here, so the cloud keeps running the last one: /.test(log()) ? true : undefined,
      ),
    'the new template to be refused',
    180_000,
  );

  expect(log()).not.toMatch(/restarted in place/);
  expect((await fetch(`${cloud.api}/products`)).status).toBe(200);
  const sfn = new SFNClient(edgeConfig(cloud));
  const outputs = (await (await fetch(`${cloud.edge}/_local/outputs`)).json()) as { StateMachineArn: string };
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: outputs.StateMachineArn }));
  expect(described.definition).not.toContain('NoSuchState');
  sfn.destroy();
}, 240_000);
