package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.monitor.OpenRun;
import io.jobwatch.store.Database;
import io.jobwatch.store.MonitorsTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** V19 (run identity) on monitors stored by schema version 18. */
@WithInfra
class MonitorRunsMigrationIT {
  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  @DisplayName(
      "Monitors stored before V19 read back: a start after the last finish is an open run, the"
          + " last start of a finished run moves to last_finished_start_at, old recent runs stay")
  void monitorsStoredBeforeRunIdentityReadBack(Infra infra) {
    try (Harness harness = new Harness(infra, 1, Map.of())) {
      Flyway.configure()
          .dataSource(
              harness.database.jdbcUrl(), harness.database.user(), harness.database.password())
          .locations("classpath:db/migration")
          .target("18")
          .load()
          .migrate();
      String recentRuns =
          "[{\"startedAt\":\"2026-11-20T09:00:00Z\",\"finishedAt\":\"2026-11-20T09:05:00Z\","
              + "\"succeeded\":true}]";
      harness
          .jdbi()
          .useHandle(
              handle -> {
                // Running: its latest start is after its latest finish.
                handle.execute(
                    "INSERT INTO monitors (monitor, team, schedule_every, grace, declared_at,"
                        + " last_start_at, last_finish_at, last_success_at, recent_runs)"
                        + " VALUES ('running', 'ops', interval '1 hour', interval '10 minutes', ?,"
                        + " ?, ?, ?, ?::jsonb)",
                    T.minusSeconds(86_400),
                    T,
                    T.minusSeconds(3_300),
                    T.minusSeconds(3_300),
                    recentRuns);
                // Idle: its latest start belongs to its latest finished run.
                handle.execute(
                    "INSERT INTO monitors (monitor, team, schedule_every, grace, declared_at,"
                        + " last_start_at, last_finish_at, last_success_at, recent_runs)"
                        + " VALUES ('idle', 'ops', interval '1 hour', interval '10 minutes', ?,"
                        + " ?, ?, ?, ?::jsonb)",
                    T.minusSeconds(86_400),
                    T.minusSeconds(3_600),
                    T.minusSeconds(3_300),
                    T.minusSeconds(3_300),
                    recentRuns);
              });

      try (Database database = Database.open(harness.settings().db())) {
        assertThat(database.migrate()).isPositive();
      }

      Map<String, MonitorState> states =
          harness.jdbi().withHandle(MonitorsTable::all).stream()
              .collect(Collectors.toMap(MonitorState::monitor, Function.identity()));
      MonitorState running = states.get("running");
      assertThat(running.isRunning()).isTrue();
      assertThat(running.openRuns()).containsExactly(new OpenRun(null, null, T));
      assertThat(running.lastStartAt()).isEqualTo(T);
      assertThat(running.recentRuns()).hasSize(1);
      assertThat(running.recentRuns().get(0).jobId()).isNull();
      assertThat(running.recentRuns().get(0).succeeded()).isTrue();

      MonitorState idle = states.get("idle");
      assertThat(idle.isRunning()).isFalse();
      assertThat(idle.openRuns()).isEmpty();
      assertThat(idle.lastStartAt()).isEqualTo(T.minusSeconds(3_600));
      assertThat(idle.lastFinishedStartAt()).isEqualTo(T.minusSeconds(3_600));
      assertThat(idle.recentRuns())
          .extracting(run -> run.finishedAt())
          .containsExactly(T.minusSeconds(3_300));
      assertThat(List.copyOf(states.keySet())).containsExactlyInAnyOrder("running", "idle");
    }
  }
}
