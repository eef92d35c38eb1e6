import type { Express } from 'express';
import { createApp } from '../../src/app';
import { buildDependencies, type Dependencies } from '../../src/dependencies';
import { testConfig } from './test-environment';

/** The real app on the test DynamoDB Local, as supertest drives it. */
export function createTestApp(overrides: Record<string, string> = {}): { app: Express; deps: Dependencies } {
  const deps = buildDependencies(testConfig(overrides));
  return { app: createApp(deps), deps };
}
