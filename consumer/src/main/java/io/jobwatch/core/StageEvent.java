package io.jobwatch.core;

import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageReport;
import java.time.Instant;
import java.util.Objects;

/**
 * A report on the error topic about one stage of a service's runner. Immutable and safe to share
 * between threads.
 */
public record StageEvent(String id, Instant time, StageKey key, StageReport report)
    implements Event {
  public StageEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(report, "report");
  }

  @Override
  public String type() {
    return report.type();
  }

  @Override
  public StageEvent withTime(Instant time) {
    return new StageEvent(id, time, key, report);
  }
}
