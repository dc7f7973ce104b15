import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { readTarget } from '../scripts/targets';

/**
 * npm run test:e2e      [-- --target localstack|aws] [jest options]
 * npm run test:postman  [-- --target localstack|aws] [jest options]
 *
 * Without a target the suite starts the local cloud itself. With one, it reads the outputs the
 * deploy wrote (.local/outputs-<target>.json) and runs the same tests against that deployment.
 */
const [project, ...argv] = process.argv.slice(2);
const at = argv.indexOf('--target');
const env = { ...process.env };
if (at >= 0) {
  const [, name] = argv.splice(at, 2);
  try {
    const target = readTarget(name ?? '');
    Object.assign(env, {
      SHOP_TARGET: target.name,
      SHOP_API_URL: target.apiUrl,
      SHOP_ISSUER_URL: target.issuerUrl,
      SHOP_STATE_MACHINE_ARN: target.stateMachineArn,
    });
    if (target.edgeUrl) env.SHOP_EDGE_URL = target.edgeUrl;
    process.stdout.write(`${project} against ${target.name}: API ${target.apiUrl}, issuer ${target.issuerUrl}\n`);
  } catch (error) {
    process.stderr.write(`✖ ${(error as Error).message}\n`);
    process.exit(2);
  }
}
const jest = resolve(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, '--selectProjects', project ?? 'e2e', ...argv], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
