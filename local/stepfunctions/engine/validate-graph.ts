/**
 * The transitions of each machine (the top one, each branch, each item processor), as AWS reports
 * them: a target that names no state of the same machine, a state nothing reaches (an error, not a
 * warning), a machine with no terminal state, and a state name used twice anywhere in the definition.
 */
import type { Json, JsonObject } from './types';
import { type Diagnostic, error, isObject, type Machine } from './validate-walk';

interface Transition {
  field: 'Next' | 'Default';
  target: string;
  at: string;
}

/** Where a state can go: Next, a Choice's Default and its rules' Next, and each catcher's Next. */
const transitionsOf = (state: JsonObject, at: string): Transition[] => {
  const found: Transition[] = [];
  const add = (node: Json, where: string, field: 'Next' | 'Default' = 'Next') => {
    const target = isObject(node) ? node[field] : undefined;
    if (typeof target === 'string') found.push({ field, target, at: `${where}/${field}` });
  };
  add(state, at);
  add(state, at, 'Default');
  if (Array.isArray(state.Choices)) state.Choices.forEach((rule, i) => add(rule, `${at}/Choices/${i}`));
  if (Array.isArray(state.Catch)) state.Catch.forEach((catcher, i) => add(catcher, `${at}/Catch/${i}`));
  return found;
};

const statesOfMachine = (machine: Machine): [string, JsonObject][] =>
  Object.entries(machine.states).filter((entry): entry is [string, JsonObject] => isObject(entry[1]));

/** Targets that name no state of their own machine (a branch cannot leave itself, nor be entered from outside). */
const missingTargets = (machine: Machine): Diagnostic[] => {
  const found: Diagnostic[] = [];
  const startAt = machine.node.StartAt;
  if (typeof startAt === 'string' && !(startAt in machine.states)) {
    found.push(error('MISSING_TRANSITION_TARGET', `Missing 'StartAt' target: ${startAt}`, `${machine.at}/StartAt`));
  }
  for (const [name, state] of statesOfMachine(machine)) {
    for (const { field, target, at } of transitionsOf(state, `${machine.at}/States/${name}`)) {
      if (!(target in machine.states)) {
        found.push(error('MISSING_TRANSITION_TARGET', `Missing '${field}' target: ${target}`, at));
      }
    }
  }
  return found;
};

const isTerminal = (state: JsonObject) => state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';

/**
 * A machine with no terminal state at all is MISSING_END_STATE (and then AWS says nothing of
 * reachability); otherwise each state that no transition from StartAt reaches is reported.
 */
const endAndReachability = (machine: Machine): Diagnostic[] => {
  const states = statesOfMachine(machine);
  if (!states.some(([, state]) => isTerminal(state))) {
    return [error('MISSING_END_STATE', 'Workflow has no terminal state', machine.at || undefined)];
  }
  const reached = new Set<string>();
  const startAt = machine.node.StartAt;
  const pending = typeof startAt === 'string' ? [startAt] : [];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const state = machine.states[name];
    if (reached.has(name) || !isObject(state)) continue;
    reached.add(name);
    pending.push(...transitionsOf(state, '').map((t) => t.target));
  }
  return states
    .filter(([name]) => !reached.has(name))
    .map(([name]) =>
      error('MISSING_TRANSITION_TARGET', `State "${name}" is not reachable.`, `${machine.at}/States/${name}`),
    );
};

/** State names are unique in the whole state machine, nested branches and item processors included. */
const duplicateNames = (machines: Machine[]): Diagnostic[] => {
  const seen = new Set<string>();
  const found: Diagnostic[] = [];
  for (const machine of machines) {
    for (const name of Object.keys(machine.states)) {
      if (seen.has(name)) {
        found.push(error('DUPLICATE_STATE_NAME', `Duplicate State name: ${name}`, `${machine.at}/States/${name}`));
      }
      seen.add(name);
    }
  }
  return found;
};

/** The graph's errors, in AWS's order: missing targets, then terminal states and reachability, then names. */
export const graphErrors = (machines: Machine[]): Diagnostic[] => [
  ...machines.flatMap(missingTargets),
  ...machines.flatMap(endAndReachability),
  ...duplicateNames(machines),
];
