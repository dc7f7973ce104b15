import { startDynamoDbLocal } from '../../local/dynamodb/process';

/**
 * A process that starts DynamoDB Local as the local cloud does, prints `jvm <pid>`, and stays up:
 * the supervision tests kill it in the ways a cloud can die. On SIGINT (the terminal's Ctrl-C,
 * sent to this process group) it checks that the database still answers, prints so, and stops it.
 *
 *   node --import tsx test/support/dynamodb-supervised.ts [dbPath]
 */
const main = async () => {
  const dynamo = await startDynamoDbLocal(process.argv[2] ? { dbPath: process.argv[2] } : {});
  process.stdout.write(`jvm ${dynamo.pid}\n`);
  process.on('SIGINT', () => {
    void (async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const answer = await fetch(dynamo.endpoint, { method: 'POST' }).then(
        (r) => r.status,
        () => 0,
      );
      process.stdout.write(`after SIGINT the database answers ${answer}\n`);
      await dynamo.stop();
      process.exit(0);
    })();
  });
  setInterval(() => undefined, 1000);
};

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
