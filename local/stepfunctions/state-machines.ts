import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../support/errors';
import { invalidDefinitionMessage, validateDefinition } from './engine/validate';
import { type Machine, machineOf } from './machines';
import type { StateMachineSpec } from './specs';

// No whitespace, brackets, wildcards, quotes, separators or control characters (AWS's rule for names).
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** AWS's quota on a definition: 1 MB. */
const MAX_DEFINITION_BYTES = 1_048_576;

export interface CreateInput {
  name: string;
  definition: string;
  roleArn: string;
  type?: 'STANDARD' | 'EXPRESS';
}

/** A definition CreateStateMachine or UpdateStateMachine may take: valid, within the quota (InvalidDefinition). */
const checkDefinition = (definition: string): void => {
  if (Buffer.byteLength(definition) > MAX_DEFINITION_BYTES)
    throw new ServiceError('InvalidDefinition', 'Invalid State Machine Definition: the definition is larger than 1 MB');
  const { result, diagnostics } = validateDefinition(definition);
  if (result === 'FAIL') throw new ServiceError('InvalidDefinition', invalidDefinitionMessage(diagnostics));
};

const checkRoleArn = (roleArn: string): void => {
  if (!ROLE_ARN.test(roleArn))
    throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${roleArn}'`);
};

/**
 * The state machines: the template's, and those made through the API (CreateStateMachine), which
 * are kept in `state-machines.json` beside the executions, with their updates and deletions. An
 * update replaces the Machine: an execution under way keeps the one it started with.
 */
export class StateMachines {
  private readonly machines = new Map<string, Machine>();
  /** The ARNs of the machines the API made (the only ones written down). */
  private readonly created = new Set<string>();
  private readonly file?: string;

  constructor(
    specs: StateMachineSpec[],
    private readonly place: { region: string; accountId?: string; dataDir?: string },
  ) {
    for (const spec of specs) this.machines.set(spec.arn, machineOf(spec));
    if (!place.dataDir) return;
    mkdirSync(place.dataDir, { recursive: true });
    this.file = join(place.dataDir, 'state-machines.json');
    if (!existsSync(this.file)) return;
    for (const spec of JSON.parse(readFileSync(this.file, 'utf8')) as StateMachineSpec[]) {
      // A name the template now has is the template's.
      if (this.machines.has(spec.arn)) continue;
      this.machines.set(spec.arn, machineOf(spec));
      this.created.add(spec.arn);
    }
  }

  get(arn: string): Machine | undefined {
    return this.machines.get(arn);
  }

  /** The machine, or AWS's StateMachineDoesNotExist. */
  require(arn: string): Machine {
    const machine = this.machines.get(arn);
    if (!machine) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  specs(): StateMachineSpec[] {
    return [...this.machines.values()].map(({ spec }) => spec);
  }

  /** CreateStateMachine: the same name, definition, role and type again answers the machine made before (AWS's idempotency). */
  create(input: CreateInput): StateMachineSpec {
    if (!NAME.test(input.name)) throw new ServiceError('InvalidName', `Invalid Name: '${input.name}'`);
    checkRoleArn(input.roleArn);
    checkDefinition(input.definition);
    const type = input.type ?? 'STANDARD';
    const arn = `arn:aws:states:${this.place.region}:${this.place.accountId ?? '000000000000'}:stateMachine:${input.name}`;
    const existing = this.machines.get(arn)?.spec;
    if (existing) {
      if (existing.definition === input.definition && existing.roleArn === input.roleArn && existing.type === type)
        return existing;
      throw new ServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const spec: StateMachineSpec = {
      logicalId: input.name,
      name: input.name,
      arn,
      type,
      roleArn: input.roleArn,
      definition: input.definition,
      creationDate: Date.now(),
    };
    this.machines.set(arn, machineOf(spec));
    this.created.add(arn);
    this.save();
    return spec;
  }

  /** Throws InvalidDefinition for a definition CreateStateMachine or UpdateStateMachine would refuse. */
  check(definition: string): void {
    checkDefinition(definition);
  }

  /** UpdateStateMachine: a new definition or role; executions under way keep theirs. A template's machine is updated until the next start. */
  update(arn: string, changes: { definition?: string; roleArn?: string }): StateMachineSpec {
    const { spec } = this.require(arn);
    if (changes.definition === undefined && changes.roleArn === undefined)
      throw new ServiceError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified');
    if (changes.definition !== undefined) checkDefinition(changes.definition);
    if (changes.roleArn !== undefined) checkRoleArn(changes.roleArn);
    const updated: StateMachineSpec = { ...spec, ...changes, updateDate: Date.now() };
    this.machines.set(arn, machineOf(updated));
    // The template's machines are the template's: an update lasts until the next start.
    if (this.created.has(arn)) this.save();
    return updated;
  }

  /** DeleteStateMachine: gone at once (AWS marks it DELETING, then deletes it once its executions end). */
  delete(arn: string): void {
    if (!this.machines.delete(arn)) return;
    this.created.delete(arn);
    this.save();
  }

  /** Written whole and renamed into place: a crash leaves the last complete file. */
  private save(): void {
    if (!this.file) return;
    const specs = [...this.created].map((arn) => this.machines.get(arn)?.spec).filter(Boolean);
    writeFileSync(`${this.file}.tmp`, JSON.stringify(specs));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
