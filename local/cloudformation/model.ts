import { createHash } from 'node:crypto';
import { type CfnResource, type CfnTemplate, propertiesOf, resourcesOfType } from './template';

/** Where the local cloud pretends to be. */
export interface LocalAccount {
  region: string;
  accountId: string;
  stackName: string;
}

export class UnresolvableIntrinsic extends Error {}

/** A short, stable id in API Gateway's style (10 lowercase alphanumerics), derived from a logical id. */
export const shortId = (seed: string, length = 10): string =>
  createHash('sha256')
    .update(seed)
    .digest('base64url')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, length);

/**
 * The template, with each resource's local physical name, ARN and attributes, and a resolver for the
 * intrinsic functions CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split).
 * Physical names follow CloudFormation: an explicit name property wins, else `<stack>-<logicalId>`.
 */
export class StackModel {
  constructor(
    readonly template: CfnTemplate,
    readonly account: LocalAccount,
  ) {}

  resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new UnresolvableIntrinsic(`No resource ${logicalId} in the template`);
    return resource;
  }

  ofType(type: string): [string, CfnResource][] {
    return resourcesOfType(this.template, type);
  }

  private arn(service: string, resource: string, { region = true, account = true } = {}): string {
    return `arn:aws:${service}:${region ? this.account.region : ''}:${account ? this.account.accountId : ''}:${resource}`;
  }

  /** The physical name of a named resource: its explicit name property, or `<stack>-<logicalId>`. */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const nameProperty: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::ApiGateway::RestApi': 'Name',
      'AWS::CloudWatch::Dashboard': 'DashboardName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::CloudWatch::CompositeAlarm': 'AlarmName',
      'AWS::Events::Rule': 'Name',
    };
    const property = nameProperty[resource.Type];
    const explicit = property ? resource.Properties?.[property] : undefined;
    if (explicit !== undefined) return String(this.resolve(explicit));
    return `${this.account.stackName}-${logicalId}`;
  }

  /** What `Ref` answers for a resource, as CloudFormation documents it per type. */
  ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.account.region,
      'AWS::AccountId': this.account.accountId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.account.stackName,
      'AWS::StackId': this.arn(
        'cloudformation',
        `stack/${this.account.stackName}/${shortId(this.account.stackName, 8)}`,
      ),
    };
    if (logicalId in pseudo) return pseudo[logicalId]!;
    const resource = this.resource(logicalId);
    const properties = propertiesOf<{ TopicArn: unknown; StageName: unknown }>(resource);
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
        return this.arn('sns', this.physicalName(logicalId));
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${this.physicalName(logicalId)}`);
      case 'AWS::SNS::Subscription':
        return `${String(this.resolve(properties.TopicArn))}:${shortId(logicalId, 36)}`;
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Authorizer':
      case 'AWS::ApiGateway::Deployment':
        return shortId(logicalId);
      case 'AWS::ApiGateway::Stage':
        return String(this.resolve(properties.StageName));
      default:
        return this.physicalName(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const { Type } = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::Lambda::Function.Arn':
        return this.arn('lambda', `function:${name}`);
      case 'AWS::DynamoDB::Table.Arn':
        return this.arn('dynamodb', `table/${name}`);
      case 'AWS::DynamoDB::Table.StreamArn':
        return this.arn('dynamodb', `table/${name}/stream/local`);
      case 'AWS::IAM::Role.Arn':
        return this.arn('iam', `role/${name}`, { region: false });
      case 'AWS::Logs::LogGroup.Arn':
        return this.arn('logs', `log-group:${name}:*`);
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(logicalId);
      case 'AWS::SNS::Topic.TopicName':
      case 'AWS::StepFunctions::StateMachine.Name':
        return name;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.ref(logicalId);
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return shortId(`${logicalId}/`);
      case 'AWS::ApiGateway::Resource.ResourceId':
        return this.ref(logicalId);
      case 'AWS::CloudWatch::Alarm.Arn':
      case 'AWS::CloudWatch::CompositeAlarm.Arn':
        return this.arn('cloudwatch', `alarm:${name}`);
      case 'AWS::Events::Rule.Arn':
        return this.arn('events', `rule/${name}`);
      default:
        throw new UnresolvableIntrinsic(`Fn::GetAtt ${logicalId}.${attribute} (${Type}) has no local value`);
    }
  }

  /** Resolves every intrinsic function in a value, recursively. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = (Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/)) as [string, string];
          return this.getAtt(id, attribute);
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables = {}] = (Array.isArray(arg) ? arg : [arg]) as [string, Record<string, unknown>];
          const resolvedVariables = this.resolve(variables) as Record<string, unknown>;
          return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
            if (name in resolvedVariables) return String(resolvedVariables[name]);
            const [id, attribute] = name.split(/\.(.+)/) as [string, string | undefined];
            return String(attribute ? this.getAtt(id, attribute) : this.ref(id));
          });
        }
        default:
          if (fn.startsWith('Fn::') || fn === 'Condition')
            throw new UnresolvableIntrinsic(`${fn} is not supported locally`);
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  /** The logical id of the resource that owns an ARN or name, if any of the given type does. */
  findByRef(type: string, refOrArnOrName: string): string | undefined {
    for (const [logicalId] of this.ofType(type)) {
      if (refOrArnOrName === this.ref(logicalId) || refOrArnOrName === this.physicalName(logicalId)) return logicalId;
    }
    return undefined;
  }
}
