package io.jobwatch.bench;

import java.util.Map;

/**
 * One system under test, run inside a contender process. Implementations are driven by one thread
 * ({@link ContenderMain}) while they consume on their own threads; {@link #handled} must be safe to
 * call from the driving thread.
 */
interface Contender extends AutoCloseable {
  /** Starts consuming; returns once the consumer runs. */
  void start(ChildConfig config);

  /** True once the consumer owns its partitions (paced runs publish only then). */
  boolean ready();

  /** Records durably handled so far (committed, or consumed for the discard ceiling). */
  long handled();

  /** Contender-specific figures for the report. */
  default Map<String, Object> extras() {
    return Map.of();
  }

  @Override
  void close();
}
