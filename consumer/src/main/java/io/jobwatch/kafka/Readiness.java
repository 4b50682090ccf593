package io.jobwatch.kafka;

import io.jobwatch.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether the consumer is ready (consuming with the database reachable), as {@code /readyz} tells
 * it. An idle consumer writes nothing, so it checks the database every 5 s to stay honest. {@link
 * #isReady} is thread-safe; everything else runs on the consumer thread.
 */
final class Readiness {
  private static final Duration IDLE_CHECK = Duration.ofSeconds(5);

  private final Database database;
  private final PipelineListener listener;
  private final Clock clock;
  private volatile boolean ready;
  private Instant nextIdleCheck = Instant.MIN;
  private boolean lastIdleCheck;

  Readiness(Database database, PipelineListener listener, Clock clock) {
    this.database = database;
    this.listener = listener;
    this.clock = clock;
  }

  boolean isReady() {
    return ready;
  }

  /** A committed batch or a successful resynchronisation counts as a database check. */
  void databaseAnswered() {
    lastIdleCheck = true;
    nextIdleCheck = clock.instant().plus(IDLE_CHECK);
    set(true);
  }

  /** An empty poll: ready if the database answered within the last few seconds. */
  void idle() {
    Instant now = clock.instant();
    if (!now.isBefore(nextIdleCheck)) {
      nextIdleCheck = now.plus(IDLE_CHECK);
      lastIdleCheck = database.isReachable();
    }
    set(lastIdleCheck);
  }

  void set(boolean value) {
    if (ready != value) {
      ready = value;
      listener.readiness(value);
    }
  }
}
