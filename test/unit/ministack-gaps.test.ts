import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, type KnownGap } from '../../scripts/check-ministack';

const gap = (project: string, test: string): KnownGap => ({ project, test, reason: 'MiniStack says so' });

test('a listed gap that fails is known; any other failure is a problem', () => {
  const { known, problems } = judge(
    {
      e2e: new Map([
        ['a passes', 'passed'],
        ['b is a gap', 'failed'],
        ['c breaks', 'failed'],
      ]),
      postman: new Map([['Order: it ends', 'passed']]),
    },
    [gap('e2e', 'b is a gap')],
  );
  expect(known.map((g) => g.test)).toEqual(['b is a gap']);
  expect(problems).toEqual(['e2e: "c breaks" failed, and it is not a known gap']);
});

test('a listed gap that passes, or that names no test, is a problem: the list must say what is true', () => {
  const { known, problems } = judge({ e2e: new Map([['b is a gap', 'passed']]), postman: new Map() }, [
    gap('e2e', 'b is a gap'),
    gap('postman', 'Gone: request'),
  ]);
  expect(known).toEqual([]);
  expect(problems).toEqual([
    expect.stringContaining('"b is a gap" passed: it is no longer a gap'),
    'postman: "Gone: request" is listed as a gap, but there is no such test',
  ]);
});

test('the gaps file: each gap names its project and test, and says why', () => {
  const { gaps } = JSON.parse(readFileSync(join(__dirname, '..', 'ministack-gaps.json'), 'utf8')) as {
    gaps: KnownGap[];
  };
  for (const { project, test, reason } of gaps) {
    expect(['e2e', 'postman']).toContain(project);
    expect(test.length).toBeGreaterThan(10);
    expect(reason.length).toBeGreaterThan(40);
  }
});
