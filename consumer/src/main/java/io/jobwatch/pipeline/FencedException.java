package io.jobwatch.pipeline;

import io.jobwatch.JobwatchException;

/**
 * Another consumer advanced a partition first (this one lost it in a rebalance); the batch was
 * rolled back and must not be retried by this consumer.
 */
public final class FencedException extends JobwatchException {
  public FencedException(String message) {
    super(message);
  }
}
