import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { RetryTiming } from '../../src/data/transaction-retry';

// DynamoDB Local serialises transactions and never answers `TransactionConflict`; real DynamoDB does when a
// write meets an item inside another transaction. Unit tests script those answers with these pieces so that
// the retry rules can be seen; everything else about the repositories runs against DynamoDB Local elsewhere.

/** How a scripted transaction ends: a conflict with another transaction, a failed condition, or a commit. */
export type TransactionOutcome = 'conflict' | 'condition-failed' | 'ok';

/**
 * The error DynamoDB cancels a two-item transaction with: the second item conflicted or failed its
 * condition (the first one is `None`, as DynamoDB reports an item that did not cause the cancellation).
 */
export function transactionCancelled(outcome: Exclude<TransactionOutcome, 'ok'>): TransactionCanceledException {
  return new TransactionCanceledException({
    $metadata: {},
    message: 'Transaction cancelled',
    CancellationReasons:
      outcome === 'conflict'
        ? [{ Code: 'None' }, { Code: 'TransactionConflict' }]
        : [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
  });
}

/** The error a single-item write fails with: a conflict with a transaction, or a failed condition. */
export function singleWriteRefused(outcome: Exclude<TransactionOutcome, 'ok'>): Error {
  return Object.assign(new Error(outcome), {
    name: outcome === 'conflict' ? 'TransactionConflictException' : 'ConditionalCheckFailedException',
  });
}

/** Records the back-off instead of waiting it out; the jitter is `random` (by default its maximum, 1). */
export function recordedBackOff(random = 1): Required<RetryTiming> & { waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms), random: () => random };
}
