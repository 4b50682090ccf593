package io.jobwatch.core;

import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The partition key is the contract")
class PartitionKeyTest {

  @Test
  @DisplayName("Lifecycle events are keyed by job_id, monitor events by monitor, stages by service")
  void expectedKeys() {
    assertThat(PartitionKey.of(started("s", 0, "job-9", 1)))
        .isEqualTo(new PartitionKey("job_id", "job-9"));
    assertThat(PartitionKey.of(new MonitorEvent("m", t(0), "nightly", new MonitorChange.Retired())))
        .isEqualTo(new PartitionKey("monitor", "nightly"));
    assertThat(
            PartitionKey.of(
                new StageEvent(
                    "x", t(0), new StageKey("blast", "slurm", "submit"), new StageReport.Ok())))
        .isEqualTo(new PartitionKey("service", "blast"));
  }

  @Test
  @DisplayName("Only the exact key matches; the reason names the expected and the actual key")
  void mismatchReasons() {
    PartitionKey expected = new PartitionKey("job_id", "job-9");
    assertThat(expected.matches("job-9")).isTrue();
    assertThat(expected.matches("job-90")).isFalse();
    assertThat(expected.matches(null)).isFalse();
    assertThat(expected.mismatch(null))
        .isEqualTo("record key must be the event's job_id \"job-9\", but it is null (no key)");
    assertThat(expected.mismatch("blast"))
        .isEqualTo("record key must be the event's job_id \"job-9\", but it is \"blast\"");
  }
}
