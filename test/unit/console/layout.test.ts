import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, END, parseDefinition, START } from '../../../web/console/model/definition';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutGraph, spineOf } from '../../../web/console/graph/layout';

const saga = parseDefinition(readFileSync(join(__dirname, '../../../statemachines/order-saga.asl.json'), 'utf8'));

describe('the graph’s spine: the happy path laid out as one straight column', () => {
  test('the order saga’s happy path, from Start to End, through each Next and none of the Catches', () => {
    expect(spineOf(buildGraph(saga))).toEqual([
      START,
      'ProcessPayment',
      'MarkPaymentCompleted',
      'ReserveItems',
      'MarkItemsReserved',
      'BookDelivery',
      'MarkDeliveryBooked',
      'CompleteOrder',
      'NotifyCompleted',
      'OrderCompleted',
      END,
    ]);
  });

  test('a Choice on the way goes on by its first choice; a loop back ends the spine', () => {
    const graph = buildGraph(
      parseDefinition(
        JSON.stringify({
          StartAt: 'Check',
          States: {
            Check: {
              Type: 'Choice',
              Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Work' }],
              Default: 'Stop',
            },
            Work: { Type: 'Pass', Next: 'Check' },
            Stop: { Type: 'Fail' },
          },
        }),
      ),
    );
    expect(spineOf(graph)).toEqual([START, 'Check', 'Work']);
  });
});

describe('the saga laid out by elk (its bundled engine, as the page’s worker runs it)', () => {
  test('the happy path is one straight column, every compensation to its right', async () => {
    // Prepare
    const graph = buildGraph(saga);
    // Act
    const layout = await layoutGraph(graph, new ELK());
    // Assess
    const centre = (id: string) => {
      const node = layout.nodes.find((n) => n.id === id)!;
      return Math.round(node.x + node.width / 2);
    };
    const spine = spineOf(graph);
    const column = centre(spine[1]!);
    expect(spine.map(centre)).toEqual(spine.map(() => column));
    const beside = layout.nodes.filter((node) => !spine.includes(node.id)).map((node) => [node.id, node.x > column]);
    expect(beside).toEqual(beside.map(([id]) => [id, true]));
  });
});
