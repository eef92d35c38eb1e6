import type { Express } from 'express';
import { createApp } from '../../src/app';
import { buildDependencies, type Dependencies } from '../../src/dependencies';
import { TEST_JWT_SECRET, testConfig } from './test-environment';

/** The real app on the test DynamoDB Local, as supertest drives it. */
export function createTestApp(overrides: Record<string, string> = {}): { app: Express; deps: Dependencies } {
  const deps = buildDependencies(testConfig(overrides), { jwtSecret: TEST_JWT_SECRET });
  return { app: createApp(deps), deps };
}
