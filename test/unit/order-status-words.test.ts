import { COMPENSATION_EVENTS, FAILURE_REASONS, FORWARD, ORDER_STATUSES, TERMINAL } from '#order/status';
import { COMPENSATES, REASONS, reasonFor, statusBadge, STEP_LABELS } from '../../web/shop/words';

// The shop page has words for every status and every failure reason the order service has (one
// list, functions/order/status.ts): a new status or reason without words fails here.

describe('the shop page has words for', () => {
  test.each([...ORDER_STATUSES, ...COMPENSATION_EVENTS])('history step %s', (status) => {
    expect(STEP_LABELS[status]).toEqual(expect.stringMatching(/\S/));
  });

  test.each(ORDER_STATUSES)('status %s, as a badge', (status) => {
    expect(statusBadge(status).label).toEqual(expect.stringMatching(/\S/));
    expect(statusBadge(status).label).not.toContain('undefined');
  });

  test.each(FAILURE_REASONS)('failure reason %s, its title and what it means', (reason) => {
    expect(REASONS[reason]).toEqual({
      title: expect.stringMatching(/\S/) as string,
      detail: expect.stringMatching(/\S/) as string,
    });
    expect(reasonFor(reason)).toBe(REASONS[reason]);
  });

  test.each(COMPENSATION_EVENTS)('compensation %s, and the forward step it undoes', (event) => {
    expect(FORWARD).toContain(COMPENSATES[event]);
  });

  test('nothing the order service does not have', () => {
    expect(Object.keys(STEP_LABELS).sort()).toEqual([...ORDER_STATUSES, ...COMPENSATION_EVENTS].sort());
    expect(Object.keys(REASONS).sort()).toEqual([...FAILURE_REASONS].sort());
    expect(Object.keys(COMPENSATES).sort()).toEqual([...COMPENSATION_EVENTS].sort());
    for (const status of TERMINAL) expect(ORDER_STATUSES).toContain(status);
  });
});
