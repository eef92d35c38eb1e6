/**
 * The table jest's global setup creates. Its own module because the global setup runs outside jest's module
 * system, where `@lambdalith/middleware` resolves to its built `dist/` (absent on a fresh clone) rather than
 * its source: nothing the global setup imports may load the middleware package.
 */
export const TEST_TABLE_NAME = 'lambdalith-test';
