import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CfnTemplate } from '../local/cloudformation/template';
import { shortName } from '../local/cloudformation/template';
import type { InvocationRecord } from '../local/logs/hub';
import { median, round1 } from './lib/stats';

/** Each function's bundle (minified, the SDK left out), as the synthesized template points at it. */
export const bundleSizes = (templatePath: string): { function: string; bytes: number }[] => {
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
  return Object.entries(template.Resources)
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && typeof resource.Metadata?.['aws:asset:path'] === 'string',
    )
    .map(([logicalId, resource]) => {
      const entry = join(dirname(templatePath), String(resource.Metadata!['aws:asset:path']), 'index.js');
      return { function: shortName(logicalId), bytes: existsSync(entry) ? statSync(entry).size : 0 };
    })
    .sort((a, b) => b.bytes - a.bytes);
};

/** Cold and warm invocations of each function in the local runtime, from the REPORT records of a run. */
export const invokeTimes = (reports: InvocationRecord[]) => {
  const byFunction = new Map<string, InvocationRecord[]>();
  for (const report of reports) byFunction.set(report.function, [...(byFunction.get(report.function) ?? []), report]);
  return [...byFunction].map(([name, records]) => {
    const cold = records.filter((r) => r.coldStart);
    const warm = records.filter((r) => !r.coldStart);
    return {
      function: name,
      invocations: records.length,
      coldInitMs: round1(median(cold.map((r) => r.initMs))),
      coldMs: round1(median(cold.map((r) => r.initMs + r.durationMs))),
      warmMs: round1(median(warm.map((r) => r.durationMs))),
    };
  });
};
