import { parseWindow, windowArg, windowAround } from '../../../web/console/model/window';

// The time window an alert links to: `#/executions/window=<start>..<end>` (and the dashboard's).

test('a window argument round-trips; anything else (an execution ARN, a reversed or empty window) is no window', () => {
  const window = windowAround(Date.UTC(2026, 11, 2, 15, 0, 0));
  expect(window).toEqual({ start: Date.UTC(2026, 11, 2, 14, 45, 0), end: Date.UTC(2026, 11, 2, 15, 1, 0) });
  expect(parseWindow(windowArg(window))).toEqual(window);
  expect(parseWindow('arn:aws:states:us-east-1:000000000000:execution:Saga:order-1')).toBeUndefined();
  expect(parseWindow('window=20..10')).toBeUndefined();
  expect(parseWindow('window=10..10')).toBeUndefined();
  expect(parseWindow('window=1..2x')).toBeUndefined();
  expect(parseWindow(undefined)).toBeUndefined();
});
