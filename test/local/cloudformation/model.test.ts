import { StackModel } from '../../../local/cloudformation/model';

const model = new StackModel(
  {
    Resources: {
      Table: { Type: 'AWS::DynamoDB::Table' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'named-fn' } },
      Topic: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'events']] } },
      },
    },
  },
  { region: 'eu-west-1', accountId: '123456789012', stackName: 'Shop' },
);

test.each([
  [{ Ref: 'Table' }, 'Shop-Table'],
  [{ Ref: 'Fn' }, 'named-fn'],
  [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'arn:aws:lambda:eu-west-1:123456789012:function:named-fn'],
  [{ 'Fn::GetAtt': ['Table', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:123456789012:table/Shop-Table'],
  [{ Ref: 'Topic' }, 'arn:aws:sns:eu-west-1:123456789012:Shop-events'],
  [{ 'Fn::Sub': 'x-${AWS::Region}-${Fn.Arn}' }, 'x-eu-west-1-arn:aws:lambda:eu-west-1:123456789012:function:named-fn'],
  [{ 'Fn::Sub': ['${A}/${Table}', { A: { Ref: 'AWS::AccountId' } }] }, '123456789012/Shop-Table'],
  [{ 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Fn', 'Arn'] }] }] }, 'eu-west-1'],
])('resolves %j', (value, expected) => {
  expect(model.resolve(value)).toBe(expected);
});

test('an intrinsic it cannot resolve fails loudly', () => {
  expect(() => model.resolve({ 'Fn::ImportValue': 'x' })).toThrow(/not supported/);
  expect(() => model.resolve({ Ref: 'Missing' })).toThrow(/No resource Missing/);
});
