import { dirname } from 'node:path';
import { restApiSpecs } from './apigateway/specs';
import { StackModel } from './cloudformation/model';
import type { CfnTemplate } from './cloudformation/template';
import { alarmSpecs } from './cloudwatch/specs';
import { functionSpecs } from './lambda/specs';
import type { CloudOptions } from './options';
import { machineOf } from './stepfunctions/machines';
import { stateMachineSpecs } from './stepfunctions/specs';

/**
 * Whether a template can run here, checked without starting anything: its model, functions, state
 * machines (each validated), APIs, alarms and dashboards are read as a start reads them; throws what a
 * start would.
 */
export const checkTemplate = (
  templateText: string,
  options: Pick<CloudOptions, 'templatePath' | 'stackName' | 'region' | 'accountId'>,
): void => {
  const template = JSON.parse(templateText) as CfnTemplate;
  const model = new StackModel(template, {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    stackName: options.stackName,
  });
  functionSpecs(model, dirname(options.templatePath));
  for (const spec of stateMachineSpecs(model)) machineOf(spec);
  restApiSpecs(model);
  alarmSpecs(model);
};
