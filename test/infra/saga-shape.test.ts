import { readFileSync } from 'node:fs';
import { SAGA_DEFINITION_PATH } from '../../stacks/constructs/order-saga';

/**
 * The shape the compensation fence needs, read off the one ASL file: no compensation can run
 * before BeginCompensation, and a completed order's refusal leads back to the success end.
 */
interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string; Variable: string; StringEquals: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Parameters?: Record<string, unknown>;
}
const asl = JSON.parse(readFileSync(SAGA_DEFINITION_PATH, 'utf8')) as { StartAt: string; States: Record<string, State> };
const states = asl.States;
const COMPENSATIONS = ['CancelDelivery', 'ReleaseItems', 'RefundPayment', 'CancelOrder'];
const FAILURES = ['PaymentWasDeclined', 'PaymentFailed', 'ItemsWereOutOfStock', 'ReservationFailed', 'DeliveryWasUnavailable', 'BookingFailed'];

const successorsOf = (state: State): string[] => [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter((n): n is string => Boolean(n));

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

test('every compensation path goes through BeginCompensation first', () => {
  const reachable = reachableWithout('BeginCompensation');
  for (const compensation of [...COMPENSATIONS, 'MarkCompensationFailed']) expect([compensation, reachable.has(compensation)]).toEqual([compensation, false]);
  for (const failure of FAILURES) expect([failure, states[failure]!.Next]).toEqual([failure, 'BeginCompensation']);
});

test('each failure records the compensation to start from, and the Choice after the fence goes there', () => {
  const choice = states[states.BeginCompensation!.Next!]!;
  expect(choice.Type).toBe('Choice');
  const routes = Object.fromEntries((choice.Choices ?? []).map((c) => [c.StringEquals, c.Next]));
  for (const failure of FAILURES) {
    const first = states[failure]!.Parameters!.firstCompensation as string;
    expect(COMPENSATIONS).toContain(first);
    expect([failure, routes[first] ?? choice.Default]).toEqual([failure, first]);
  }
});

test('a refused compensation goes back to the success end; a refused COMPENSATION_FAILED to the cancelled end', () => {
  const catchOf = (state: string, error: string) => states[state]!.Catch!.find((c) => c.ErrorEquals.includes(error))?.Next;
  const retriesOf = (state: string, error: string) => states[state]!.Retry!.find((r) => r.ErrorEquals.includes(error))?.MaxAttempts;

  expect(catchOf('BeginCompensation', 'OrderAlreadyCompleted')).toBe('NotifyCompleted');
  expect(retriesOf('BeginCompensation', 'OrderAlreadyCompleted')).toBe(0);
  expect(catchOf('BeginCompensation', 'States.ALL')).toBe('MarkCompensationFailed');
  expect(catchOf('MarkCompensationFailed', 'OrderAlreadyCompleted')).toBe('NotifyCompleted');
  expect(catchOf('MarkCompensationFailed', 'OrderAlreadyCancelled')).toBe('NotifyCancelled');
  expect(retriesOf('MarkCompensationFailed', 'OrderAlreadyCancelled')).toBe(0);
});
