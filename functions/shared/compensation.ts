import { CompensationInput } from './contracts';
import { taskHandler } from './handler';
import { countBy } from './observability';
import { parseTask } from './schemas';

/**
 * A compensation step of the saga: undoes one action of the order, at most once (the store's
 * `undoOnce`), counts it under CompensationsRun by its state name, and answers what it did.
 */
export const compensationHandler = <O extends object>(stateName: string, undo: (orderId: string) => Promise<O>) =>
  taskHandler(async (event: unknown) => {
    const { orderId } = parseTask(CompensationInput, event);
    const outcome = await undo(orderId);
    countBy('CompensationsRun', 'Compensation', stateName);
    return { orderId, ...outcome };
  });
