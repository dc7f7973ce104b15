import { Chaos } from '../../local/chaos/faults';
import { DYNAMODB_FAULTS } from '../../local/dynamodb/api';
import { LAMBDA_FAULTS } from '../../local/lambda/api';
import { SNS_FAULTS } from '../../local/sns/api';
import { STATES_FAULTS } from '../../local/stepfunctions/api';

/** Fault injection that takes rules for the services the local cloud's registry names, as `npm start` has it. */
export const localChaos = (...args: ConstructorParameters<typeof Chaos>): Chaos =>
  new Chaos(...args).accept(
    new Map(
      [LAMBDA_FAULTS, DYNAMODB_FAULTS, SNS_FAULTS, STATES_FAULTS].map((target) => [target.service, target.effects]),
    ),
  );
