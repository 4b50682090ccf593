package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.ProgressTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@code consumer_progress} makes of the consumers' reports, on a real PostgreSQL: the instant
 * monitors (and the stuck-jobs count) are judged at (docs/monitors.md, "Backlogs and outages").
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgressTableIT {
  private static final String TOPIC = "jobwatch.lifecycle";
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
  private Database database;

  @BeforeAll
  void migrate(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    database = Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 2));
    assertThat(database.migrate()).isPositive();
  }

  @AfterAll
  void close() {
    database.close();
  }

  @BeforeEach
  void empty() {
    database.jdbi().useHandle(handle -> handle.execute("TRUNCATE consumer_progress"));
  }

  @Test
  @DisplayName(
      "A quiet partition (its last record a day old) that was caught up 5 s ago and now has a"
          + " record not polled yet is behind by seconds, not by a day: the judgement does not"
          + " jump back a day, which would resolve every down monitor until the next batch")
  void aQuietPartitionCaughtUpSecondsAgoIsNotADayBehind() {
    Instant dayOld = now.minus(Duration.ofDays(1));
    // The day-old record, read and committed at once.
    report(dayOld, new ProgressTable.Report(TOPIC, 1, dayOld, true, 0L));
    // The refresh between batches: caught up, every 5 s, until 5 s ago.
    report(now.minusSeconds(10), new ProgressTable.Report(TOPIC, 1, null, true, 0L));
    report(now.minusSeconds(5), new ProgressTable.Report(TOPIC, 1, null, true, 0L));
    // A busy partition, drained now; then the refresh finds one new record in the quiet one.
    report(now, new ProgressTable.Report(TOPIC, 0, now, true, 0L));
    report(now, new ProgressTable.Report(TOPIC, 1, null, false, 1L));

    // Everything written to the partition before its last caught-up report was read.
    assertThat(judgedAt(now)).isEqualTo(now.minusSeconds(5));
  }

  @Test
  @DisplayName(
      "A partition of which nothing was read yet still holds the judgement at 1970 while behind,"
          + " and a backlog that drains is judged at its event times")
  void behindWithoutACaughtUpReportIsItsWatermark() {
    report(now, new ProgressTable.Report(TOPIC, 0, null, false, 500L));
    assertThat(judgedAt(now)).isEqualTo(Instant.EPOCH);

    Instant drainedTo = now.minus(Duration.ofMinutes(25));
    report(now.plusSeconds(1), new ProgressTable.Report(TOPIC, 0, drainedTo, false, 300L));
    assertThat(judgedAt(now.plusSeconds(2))).isEqualTo(drainedTo);
  }

  private Instant judgedAt(Instant at) {
    Instant[] judged = new Instant[1];
    database.jdbi().useHandle(handle -> judged[0] = ProgressTable.judgementInstant(handle, at));
    return judged[0];
  }

  private void report(Instant reportedAt, ProgressTable.Report report) {
    database
        .jdbi()
        .useHandle(
            handle ->
                ProgressTable.report(handle, "jobwatch", "test@host", reportedAt, List.of(report)));
  }
}
