// Prints one plain closing line after jest's own summary: "Tests: N passed, N failed, N skipped".
// CI tooling that does not know jest reads that line; jest's own "Tests: 3 passed, 3 total" has no failed
// count. It is written when the process exits, because jest prints its summary after every reporter's
// onRunComplete. Plain JavaScript because jest loads reporters without the TypeScript transform.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    const line = `Tests: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}

module.exports = SummaryReporter;
