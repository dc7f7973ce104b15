import { logger, metrics, MetricUnit } from '../../functions/shared/observability';

// Powertools' own notes about metrics go through the functions' logger: an invocation that published
// no application metric is not a warning (nor an ERROR line on stderr), and its real warnings still are.

const captured = () => {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...content: unknown[]) => void lines.push(content.join(' '))),
  );
  const streams = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true)),
  );
  return { lines, restore: () => [...spies, ...streams].forEach((spy) => spy.mockRestore()) };
};

test('no application metric: nothing at warn or above; a metric that breaks the rules still warns', () => {
  logger.setLogLevel('INFO');
  const quiet = captured();
  metrics.publishStoredMetrics();
  quiet.restore();

  const loud = captured();
  metrics.addDimension('', 'x');
  metrics.addMetric('Checked', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  loud.restore();

  expect(quiet.lines.filter((line) => /No application metrics/.test(line))).toEqual([]);
  const warned = loud.lines.filter((line) => /"level":"WARN"/.test(line));
  expect(warned.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual([
    expect.stringMatching(/dimension .* won't be added/) as unknown,
  ]);
});
