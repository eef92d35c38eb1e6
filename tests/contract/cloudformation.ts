import { join } from 'node:path';
import {
  loadTemplate as loadTemplateAt,
  physicalId as physicalIdIn,
  resolveIntrinsics as resolveIntrinsicsFor,
  type Json,
  type JsonObject,
  type StackContext,
} from '../../scripts/cloudformation.mts';
import {
  functionEnvironment as functionEnvironmentIn,
  templateFunctionRuntimeVariables as templateFunctionRuntimeVariablesIn,
} from '../../scripts/lambda/runtime-variables.mts';

/**
 * What the contract and artifact tests need of CloudFormation: the project's template.yaml, read by the
 * project's one template reader (scripts/cloudformation.mts), evaluated for a test stack of chosen parameter
 * values and made-up physical ids, to see what a deployed stack would hand the function.
 */
export {
  isObject,
  objectAt,
  objectAtOrEmpty,
  parseTemplate,
  resourcesOfType,
  withGlobals,
  type Json,
  type JsonObject,
  type StackContext,
} from '../../scripts/cloudformation.mts';

export const PROJECT_ROOT = join(__dirname, '../..');
export const TEMPLATE_PATH = join(PROJECT_ROOT, 'template.yaml');

export const TEST_STACK: StackContext = {
  parameters: {},
  region: 'us-east-1',
  accountId: '123456789012',
  stackName: 'lambdalith',
};

export function loadTemplate(path = TEMPLATE_PATH): JsonObject {
  return loadTemplateAt(path);
}

/** Evaluates intrinsic functions in `value` the way CloudFormation would for a stack made from `template`. */
export function resolveIntrinsics(template: JsonObject, value: Json, stack: StackContext = TEST_STACK): Json {
  return resolveIntrinsicsFor(template, value, stack);
}

/** The physical id a Ref to a resource gives (see scripts/cloudformation.mts). */
export function physicalId(template: JsonObject, logicalId: string, stack: StackContext = TEST_STACK): string {
  return physicalIdIn(template, logicalId, stack);
}

/** The function's environment variables as the test stack would set them. */
export function functionEnvironment(
  template: JsonObject,
  logicalId: string,
  stack: StackContext = TEST_STACK,
): Record<string, string> {
  return functionEnvironmentIn(template, logicalId, stack);
}

/** The variables the Node.js Lambda runtime itself sets for this function (see scripts/lambda/runtime-variables.mts). */
export function templateFunctionRuntimeVariables(
  template: JsonObject,
  logicalId: string,
  paths: { taskRoot: string; optRoot: string },
  stack: StackContext = TEST_STACK,
): Record<string, string> {
  return templateFunctionRuntimeVariablesIn(template, logicalId, paths, stack);
}
