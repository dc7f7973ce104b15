import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncInvocations } from '../../../local/lambda/async';
import { recorder } from '../../support/recorder';

// Lambda's asynchronous invocations: what SNS and EventBridge deliver through.

describe('asynchronous invocations', () => {
  test('a failed delivery is retried twice, then dropped', async () => {
    const { calls, invoke } = recorder(() => true);
    const dropped: string[] = [];
    const queue = new AsyncInvocations(invoke, { retryDelaysMs: [5, 5], log: (line) => dropped.push(line) });

    queue.enqueue('fn', { n: 1 }, 'sns');
    const left = await queue.idle(2000);

    expect(calls).toHaveLength(3);
    expect(left).toBe(0);
    expect(dropped).toEqual([expect.stringMatching(/failed 3 times and is dropped/) as unknown as string]);
  });

  test('an event queued before a crash and not yet delivered is delivered after the restart, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'async-'));
    const stuck = new AsyncInvocations(() => new Promise(() => undefined), { dir });
    stuck.enqueue('fn', { order: 'o-1' }, 'sns');
    const delivered = new AsyncInvocations(() => Promise.resolve({ payload: null }), { dir });
    delivered.enqueue('fn', { order: 'o-2' }, 'sns');
    await delivered.idle(1000);
    // The process "dies": neither queue is closed.

    const { calls, invoke } = recorder();
    const restarted = new AsyncInvocations(invoke, { dir });
    const resumed = restarted.resume();
    await restarted.idle(1000);
    const again = new AsyncInvocations(recorder().invoke, { dir });

    expect(resumed).toBe(1);
    expect(calls).toEqual([{ arn: 'fn', event: { order: 'o-1' } }]);
    expect(again.resume()).toBe(0);
  });
});
