package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.JobwatchException;
import java.sql.SQLException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who is to blame for a failed write, and whether a smaller batch may succeed. */
class FailuresTest {
  @Test
  @DisplayName(
      "A statement timeout (57014) is the database's fault, not the record's, and marks the batch"
          + " as one to write in halves")
  void aStatementTimeoutIsTheDatabasesAndHalvable() {
    RuntimeException timeout =
        new JobwatchException(
            "COPY into job_events failed",
            new SQLException("canceling statement due to statement timeout", "57014"));
    assertThat(Failures.blamesTheRecord(timeout)).isFalse();
    assertThat(Failures.isStatementCancelled(timeout)).isTrue();
  }

  @Test
  @DisplayName("Other failures are not statement timeouts")
  void otherFailuresAreNotStatementTimeouts() {
    assertThat(
            Failures.isStatementCancelled(
                new JobwatchException("x", new SQLException("connection lost", "08006"))))
        .isFalse();
    assertThat(
            Failures.isStatementCancelled(
                new JobwatchException("x", new SQLException("bad value", "22003"))))
        .isFalse();
    assertThat(Failures.isStatementCancelled(new IllegalArgumentException("no SQL"))).isFalse();
  }
}
