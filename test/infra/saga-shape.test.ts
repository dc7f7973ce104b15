import { readFileSync } from 'node:fs';
import { SAGA_DEFINITION_PATH } from '../../stacks/constructs/order-saga';

/**
 * The shape the compensation fence and redrive need, read off the one ASL file: no compensation can
 * run before BeginCompensation, a completed order's refusal leads back to the success end, and a
 * fence or compensation that fails after its retries fails the execution where it stands, so that a
 * redrive resumes there (a Catch to a Fail state would only fail again on redrive).
 */
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  Assign?: Record<string, unknown>;
}
interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string; Condition: string }[];
  Catch?: Catcher[];
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Assign?: Record<string, unknown>;
}
const asl = JSON.parse(readFileSync(SAGA_DEFINITION_PATH, 'utf8')) as {
  QueryLanguage: string;
  StartAt: string;
  States: Record<string, State>;
};
const states = asl.States;
const COMPENSATIONS = ['CancelDelivery', 'ReleaseItems', 'RefundPayment', 'CancelOrder'];
const FORWARD = [
  'ProcessPayment',
  'MarkPaymentCompleted',
  'ReserveItems',
  'MarkItemsReserved',
  'BookDelivery',
  'MarkDeliveryBooked',
  'CompleteOrder',
];
/** Every Catch of a forward step: where a failure's reason and the compensation to start from are assigned. */
const failureCatches = FORWARD.flatMap((name) => (states[name]!.Catch ?? []).map((c) => [name, c] as const));

const successorsOf = (state: State): string[] =>
  [
    state.Next,
    state.Default,
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ].filter((n): n is string => Boolean(n));

/** The states reachable from StartAt without passing through `removed`. */
const reachableWithout = (removed: string): Set<string> => {
  const seen = new Set<string>();
  const queue = [asl.StartAt];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === removed || seen.has(name)) continue;
    seen.add(name);
    queue.push(...successorsOf(states[name]!));
  }
  return seen;
};

test('the saga is JSONata with Variables: no bookkeeping Pass states', () => {
  expect(asl.QueryLanguage).toBe('JSONata');
  expect(Object.entries(states).filter(([, state]) => state.Type === 'Pass')).toEqual([]);
});

test('every compensation path goes through BeginCompensation first', () => {
  const reachable = reachableWithout('BeginCompensation');
  for (const compensation of COMPENSATIONS)
    expect([compensation, reachable.has(compensation)]).toEqual([compensation, false]);
  expect(failureCatches.length).toBeGreaterThanOrEqual(FORWARD.length);
  for (const [name, catcher] of failureCatches) expect([name, catcher.Next]).toEqual([name, 'BeginCompensation']);
});

test('each failure assigns its reason and the compensation to start from, and the Choice after the fence goes there', () => {
  const choice = states[states.BeginCompensation!.Next!]!;
  expect(choice.Type).toBe('Choice');
  const routes: Record<string, string> = Object.fromEntries(
    (choice.Choices ?? []).map((c) => [/\$undoFrom = '(\w+)'/.exec(c.Condition)?.[1] ?? '', c.Next]),
  );
  for (const [name, catcher] of failureCatches) {
    const { reason, undoFrom } = (catcher.Assign ?? {}) as { reason?: string; undoFrom?: string };
    expect([name, reason]).toEqual([
      name,
      expect.stringMatching(/^(PAYMENT_DECLINED|OUT_OF_STOCK|DELIVERY_UNAVAILABLE|SERVICE_UNAVAILABLE)$/),
    ]);
    expect(COMPENSATIONS).toContain(undoFrom);
    expect([name, routes[undoFrom ?? ''] ?? choice.Default]).toEqual([name, undoFrom]);
  }
});

test('a refused compensation goes back to the success end', () => {
  const catchOf = (state: string, error: string) =>
    states[state]!.Catch!.find((c) => c.ErrorEquals.includes(error))?.Next;
  const retriesOf = (state: string, error: string) =>
    states[state]!.Retry!.find((r) => r.ErrorEquals.includes(error))?.MaxAttempts;

  expect(catchOf('BeginCompensation', 'OrderAlreadyCompleted')).toBe('NotifyCompleted');
  expect(retriesOf('BeginCompensation', 'OrderAlreadyCompleted')).toBe(0);
});

test('the fence and each compensation retry many times, then fail the execution at themselves: no Catch, no Fail state', () => {
  for (const name of ['BeginCompensation', ...COMPENSATIONS]) {
    const state = states[name]!;
    expect([name, state.Retry!.find((r) => r.ErrorEquals.includes('States.ALL'))?.MaxAttempts]).toEqual([name, 10]);
    // Only the fence's named refusal is caught; anything else ends the execution in this state.
    expect([name, (state.Catch ?? []).flatMap((c) => c.ErrorEquals)]).toEqual([
      name,
      name === 'BeginCompensation' ? ['OrderAlreadyCompleted'] : [],
    ]);
  }
  expect(Object.entries(states).filter(([, state]) => state.Type === 'Fail')).toEqual([]);
  expect(Object.keys(states)).not.toEqual(expect.arrayContaining(['MarkCompensationFailed']));
});

test('every forward failure that is caught leads to the fence; every end of the saga is a Succeed state', () => {
  const ends = Object.entries(states).filter(
    ([, state]) => successorsOf(state).length === 0 || (state as { End?: boolean }).End,
  );
  expect(ends.map(([name, state]) => [name, state.Type]).sort()).toEqual([
    ['OrderCancelled', 'Succeed'],
    ['OrderCompleted', 'Succeed'],
  ]);
});
