/**
 * A readiness probe of the store: a port `src/data/` implements and `GET /health/ready` calls. Resolves when
 * the store can serve requests; throws `StoreNotReadyError` (from `./errors`) when it cannot.
 */
export type ReadinessCheck = () => Promise<void>;
