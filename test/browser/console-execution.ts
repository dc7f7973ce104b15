import { readFile } from 'node:fs/promises';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Locator, Page } from 'playwright-core';
import { until } from './support/console-page';

// What console.test.ts's execution-page tests share: a JSONata machine of their own with Variables,
// a download's bytes, and measurements of the graph and the table as the page lays them out.

/**
 * An order priced, discounted and shipped in JSONata with Variables: PriceOrder assigns the order's
 * id and total, ApplyDiscount assigns the discounted total, ShipOrder fails on an expression
 * (`$orderId.address` is nothing): an EvaluationFailed, and the execution FAILED there.
 */
export const VARIABLES_MACHINE = {
  Comment: 'The console tests: variables assigned and in scope, and a JSONata failure',
  QueryLanguage: 'JSONata',
  StartAt: 'PriceOrder',
  States: {
    PriceOrder: {
      Type: 'Pass',
      Assign: { orderId: '{% $states.input.orderId %}', total: '{% $sum($states.input.lines.(qty * price)) %}' },
      Next: 'ApplyDiscount',
    },
    ApplyDiscount: {
      Type: 'Pass',
      Assign: { total: '{% $total * 0.9 %}', discounted: true },
      Output: '{% {"orderId": $orderId, "total": $total} %}',
      Next: 'ShipOrder',
    },
    ShipOrder: { Type: 'Pass', Output: '{% $orderId.address %}', End: true },
  },
};

/** Creates the machine under a unique name, runs it once and waits for its end: the execution's ARN. */
export const runVariablesMachine = async (sfn: SFNClient, suffix: string): Promise<string> => {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `ConsoleVariables-${suffix}`,
      definition: JSON.stringify(VARIABLES_MACHINE),
      roleArn: 'arn:aws:iam::000000000000:role/ConsoleTests',
    }),
  );
  const input = {
    orderId: `o-${suffix}`,
    lines: [
      { qty: 2, price: 10 },
      { qty: 1, price: 10 },
    ],
  };
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  await until('the variables machine to end', async () => {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return status === 'RUNNING' ? undefined : status;
  });
  return executionArn!;
};

/** The bytes of the file a click makes the page download. */
export const downloadOf = async (page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> => {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
};

/** The horizontal centre of each state's box in the graph, in page pixels. */
export const centresOf = (page: Page, states: string[]): Promise<number[]> =>
  Promise.all(
    states.map(async (state) => {
      const box = (await page.locator(`svg .node[data-state="${state}"] rect`).boundingBox())!;
      return Math.round(box.x + box.width / 2);
    }),
  );

/**
 * How the table view fits its panel: how far the panel and the page scroll sideways, how far the
 * last timeline bar's right edge is past the panel's, and the narrowest timeline's width.
 */
export const tableFit = (page: Page) =>
  page.evaluate(() => {
    const main = document.querySelector('.execution-main')!;
    const edge = main.getBoundingClientRect().right;
    const bars = [...document.querySelectorAll('.runs .timeline')].map((bar) => bar.getBoundingClientRect());
    return {
      panelOverflow: main.scrollWidth - main.clientWidth,
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      pastEdge: Math.max(...bars.map((bar) => bar.right)) - edge,
      narrowest: Math.min(...bars.map((bar) => bar.width)),
      bars: bars.length,
    };
  });
