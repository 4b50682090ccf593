package io.jobwatch.pipeline;

import io.jobwatch.JobwatchException;

/**
 * Another consumer wrote first: it advanced a partition of the batch (this one lost it in a
 * rebalance), or, as a {@link FoldConflictException}, it stored a newer fold state of one of the
 * batch's jobs. The batch was rolled back; it is not the records' fault and must not be
 * dead-lettered, and this consumer must not write the same batch again as it is: it drops what it
 * cached and re-reads the partitions' stored offsets, and goes on from there if it still owns them.
 */
public sealed class FencedException extends JobwatchException permits FoldConflictException {
  public FencedException(String message) {
    super(message);
  }
}
