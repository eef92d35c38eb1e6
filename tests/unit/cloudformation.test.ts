import {
  objectAt,
  parseTemplate,
  physicalId,
  resolveIntrinsics,
  resourcesOfType,
  withGlobals,
  type StackContext,
} from '../../scripts/cloudformation.mts';

// The one reader of template.yaml (scripts/cloudformation.mts), on a small template of its own: what the
// gateway, the contract tests and the cold bench rely on it to evaluate as CloudFormation would.
const template = parseTemplate(`
Parameters:
  Stage:
    Type: String
    Default: dev
  Pool:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Timeout: 10
    Environment:
      Variables:
        SHARED: "yes"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "\${AWS::StackName}-\${Stage}-table"
  Queue:
    Type: AWS::SQS::Queue
  Secret:
    Type: AWS::SecretsManager::Secret
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 20
      Environment:
        Variables:
          TABLE: !Ref Table
          QUEUE_ARN: !GetAtt Queue.Arn
          LITERAL: !Sub "\${!NotAVariable} in \${AWS::Region}"
          MODE: !If [IsProd, strict, !Ref AWS::NoValue]
          LIST: !Join [",", [a, !If [IsProd, b, !Ref AWS::NoValue], c]]
`);

const stack: StackContext = {
  parameters: { Pool: 'p1' },
  region: 'eu-west-1',
  accountId: '111122223333',
  stackName: 's',
};

describe('scripts/cloudformation.mts', () => {
  it('evaluates Ref, Sub (an escaped literal included), GetAtt, If with AWS::NoValue and Join, Globals merged', () => {
    const properties = resolveIntrinsics(template, withGlobals(template, 'Fn'), stack);

    expect(objectAt(properties, 'Environment', 'Variables')).toEqual({
      SHARED: 'yes',
      TABLE: 's-dev-table',
      QUEUE_ARN: 's-Queue.Arn',
      // `${!NotAVariable}` in a Sub is the literal text `${NotAVariable}`.
      LITERAL: `\${NotAVariable} in eu-west-1`,
      LIST: 'a,c',
    });
    expect(objectAt(properties)['Timeout']).toBe(20);
  });

  it("follows the stack's parameters and conditions", () => {
    const prod = { ...stack, parameters: { Pool: 'p1', Stage: 'prod' } };

    expect(resolveIntrinsics(template, { Ref: 'Table' }, prod)).toBe('s-prod-table');
    expect(
      objectAt(resolveIntrinsics(template, withGlobals(template, 'Fn'), prod), 'Environment', 'Variables'),
    ).toMatchObject({ MODE: 'strict', LIST: 'a,b,c' });
  });

  it('names resources as a stack would: chosen ids first, then template names, ARNs, then <stack>-<LogicalId>', () => {
    expect(physicalId(template, 'Table', { ...stack, physicalIds: { Table: 'chosen' } })).toBe('chosen');
    expect(physicalId(template, 'Table', stack)).toBe('s-dev-table');
    expect(physicalId(template, 'Secret', stack)).toBe(
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:Secret-AbCdEf',
    );
    expect(physicalId(template, 'Queue', stack)).toBe('s-Queue');
  });

  it('refuses what it cannot evaluate, naming it, instead of guessing', () => {
    expect(() => resolveIntrinsics(template, { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, stack)).toThrow(/Fn::Cidr/);
    expect(() => resolveIntrinsics(template, { Ref: 'Nothing' }, stack)).toThrow(/Ref to unknown Nothing/);
    expect(() => resolveIntrinsics(template, { Ref: 'Pool' }, { ...stack, parameters: {} })).toThrow(/parameter Pool/);
    expect(() => parseTemplate('Resources: !Unknown x')).toThrow();
  });

  it('lists resources by type, and fails on a template without resources', () => {
    expect(resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => id)).toEqual(['Queue']);
    expect(() => resourcesOfType(parseTemplate('Parameters: {}'), 'AWS::SQS::Queue')).toThrow(/Resources/);
  });
});
