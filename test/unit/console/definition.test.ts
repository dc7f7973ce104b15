import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildGraph,
  choiceLabel,
  END,
  parseDefinition,
  resourceOf,
  START,
} from '../../../web/console/model/definition';

const saga = parseDefinition(readFileSync(join(__dirname, '../../../statemachines/order-saga.asl.json'), 'utf8'));

describe('the graph of a definition', () => {
  test('one node per state, between a Start and an End', () => {
    const graph = buildGraph(saga);
    expect(graph.nodes.map((n) => n.id)).toEqual([START, ...Object.keys(saga.States), END]);
    expect(graph.edges[0]).toMatchObject({ from: START, to: saga.StartAt, kind: 'start' });
  });

  test('every way out of every state is an edge: Next, Choice, Default, Catch (labelled with its errors), End', () => {
    const graph = buildGraph(saga);
    for (const [name, state] of Object.entries(saga.States)) {
      const out = graph.edges.filter((e) => e.from === name);
      if (state.Next) expect(out).toContainEqual(expect.objectContaining({ to: state.Next, kind: 'next' }));
      for (const rule of state.Catch ?? [])
        expect(out).toContainEqual(
          expect.objectContaining({
            to: rule.Next,
            kind: 'catch',
            label: expect.stringContaining(rule.ErrorEquals[0]!) as string,
          }),
        );
      for (const choice of state.Choices ?? [])
        expect(out).toContainEqual(expect.objectContaining({ to: choice.Next, kind: 'choice' }));
      if (state.Default) expect(out).toContainEqual(expect.objectContaining({ to: state.Default, kind: 'default' }));
      if (state.Type === 'Succeed' || state.Type === 'Fail' || state.End)
        expect(out).toEqual([expect.objectContaining({ to: END, kind: 'end' })]);
    }
    // Both of ReserveItems' Catch rules go to the fence: one edge, with both labels.
    expect(graph.edges.find((e) => e.from === 'ReserveItems' && e.to === 'BeginCompensation')).toMatchObject({
      kind: 'catch',
      label: expect.stringContaining('OutOfStock') as string,
    });
  });

  test('two Catch rules to the same state make one edge with both labels', () => {
    const graph = buildGraph({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'r',
          End: true,
          Catch: [
            { ErrorEquals: ['X'], Next: 'B' },
            { ErrorEquals: ['Y', 'Z'], Next: 'B' },
          ],
        },
        B: { Type: 'Fail' },
      },
    });
    expect(graph.edges.filter((e) => e.kind === 'catch')).toEqual([
      { id: 'A>B>catch', from: 'A', to: 'B', kind: 'catch', label: 'X | Y, Z' },
    ]);
  });

  test('choice rules read as conditions', () => {
    expect(choiceLabel({ Variable: '$.status', StringEquals: 'PAID', Next: 'X' })).toBe('$.status == "PAID"');
    expect(choiceLabel({ Variable: '$.n', NumericGreaterThan: 3, Next: 'X' })).toBe('$.n > 3');
    expect(choiceLabel({ And: [], Next: 'X' })).toBe('And');
  });

  test('a task’s resource names the function it invokes', () => {
    expect(
      resourceOf({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:Pay' },
      }),
    ).toBe('lambda:invoke Pay');
    expect(resourceOf({ Type: 'Pass' })).toBeUndefined();
  });

  test('a definition without StartAt is refused', () => {
    expect(() => parseDefinition('{"States":{}}')).toThrow('StartAt');
  });
});
