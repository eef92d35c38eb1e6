import { Router } from 'express';
import { methodNotAllowed } from '@lambdalith/middleware';
import type { ReadinessCheck } from '../domain/readiness';

export interface HealthRoutesDependencies {
  readonly version: string;
  readonly checkReadiness: ReadinessCheck;
}

/**
 * `GET /health`: liveness, never touches DynamoDB (cheap enough for every load-balancer probe).
 * `GET /health/ready`: readiness, checks the table answers; 503 problem when it does not.
 */
export function healthRoutes({ version, checkReadiness }: HealthRoutesDependencies): Router {
  const router = Router();
  router
    .route('/health')
    .get((_req, res) => {
      res.json({ status: 'ok', version });
    })
    .all(methodNotAllowed());
  router
    .route('/health/ready')
    .get(async (_req, res) => {
      await checkReadiness();
      res.json({ status: 'ok', version });
    })
    .all(methodNotAllowed());
  return router;
}
