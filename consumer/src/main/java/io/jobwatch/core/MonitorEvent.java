package io.jobwatch.core;

import io.jobwatch.core.monitor.MonitorChange;
import java.time.Instant;
import java.util.Objects;

/** A declaration or control event of a monitored script. Immutable and safe to share. */
public record MonitorEvent(String id, Instant time, String monitor, MonitorChange change)
    implements Event {
  public MonitorEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(change, "change");
  }

  @Override
  public String type() {
    return change.type();
  }

  @Override
  public MonitorEvent withTime(Instant time) {
    return new MonitorEvent(id, time, monitor, change);
  }
}
