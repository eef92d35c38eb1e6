import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as delay } from 'node:timers/promises';
import { WriteContentionError } from '../domain/errors';
import { failedCondition } from './dynamodb-errors';

// DynamoDB refuses a write that meets an item inside another transaction with `TransactionConflict`
// (a transaction's cancellation reason, or `TransactionConflictException` for a single-item write). The SDK
// does not retry it, and it says nothing about the outcome, so the write is retried here, with jittered
// exponential back-off, until its conditions decide it: 8 attempts, seven waits of at most 20 ms … 1.28 s
// (about 2.5 s in all), then a WriteContentionError (503 at the edge).
const MAX_ATTEMPTS = 8;
const BASE_RETRY_DELAY_MS = 10;

/** How a repository waits between retries after a conflict; tests pass their own to record the waits. */
export interface RetryTiming {
  /** Waits this many milliseconds. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) that jitters each wait. Default: `Math.random`. */
  readonly random?: () => number;
}

/**
 * Waits after failed attempt `attempt` (counted from 1): a random share of 10 ms × 2^attempt ("full jitter").
 * After the last attempt it waits no more and throws WriteContentionError with `cause` instead.
 */
export async function backOffAfterConflict(attempt: number, cause: unknown, timing: RetryTiming = {}): Promise<void> {
  if (attempt >= MAX_ATTEMPTS) throw new WriteContentionError({ cause });
  const sleep = timing.sleep ?? ((ms: number) => delay(ms));
  const random = timing.random ?? Math.random;
  await sleep(random() * BASE_RETRY_DELAY_MS * 2 ** attempt);
}

/**
 * Sends a transaction, retrying it while other transactions conflict with it. Resolves `undefined` when it
 * committed, or the cancellation reasons (one per item, in order) when a condition failed, for the caller to
 * turn into its domain error. Any other failure is rethrown as it came.
 */
export async function retryTransaction(
  client: DynamoDBDocumentClient,
  command: TransactWriteCommand,
  timing: RetryTiming = {},
): Promise<readonly CancellationReason[] | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(command);
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some(failedCondition)) return reasons;
      if (!reasons.some((reason) => reason.Code === 'TransactionConflict')) throw error;
      await backOffAfterConflict(attempt, error, timing);
    }
  }
}
