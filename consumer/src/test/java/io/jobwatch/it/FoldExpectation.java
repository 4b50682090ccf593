package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobRow;
import io.jobwatch.core.job.ReferenceJobFold;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the database must hold after a stream: the pure fold of its valid events, computed without
 * Kafka or PostgreSQL, and the comparison with the rows actually written.
 */
final class FoldExpectation {
  private final Map<String, JobRow> jobs = new TreeMap<>();
  private final Map<StageKey, StageHealth> reportedStages = new HashMap<>();
  private final Map<StageKey, long[]> evidenceCounts = new HashMap<>();

  /**
   * The deliberately simple fold written from the docs' rule tables: the oracle of the real one.
   */
  private final Map<String, ReferenceJobFold.Outcome> references = new HashMap<>();

  FoldExpectation(Iterable<Event> validEvents) {
    Map<String, List<JobEvent>> byJob = new HashMap<>();
    Map<StageKey, List<StageObservation>> reports = new HashMap<>();
    for (Event event : validEvents) {
      if (event instanceof JobEvent jobEvent) {
        byJob.computeIfAbsent(jobEvent.jobId(), id -> new ArrayList<>()).add(jobEvent);
      } else if (event instanceof StageEvent stageEvent) {
        reports
            .computeIfAbsent(stageEvent.key(), k -> new ArrayList<>())
            .add(StageObservation.of(stageEvent));
      }
    }
    byJob.forEach(
        (jobId, events) -> {
          JobFold.Result result = JobFold.fold(events);
          jobs.put(jobId, result.row());
          references.put(jobId, ReferenceJobFold.fold(events));
          for (StageObservation evidence : result.stageEvidence()) {
            long[] counts = evidenceCounts.computeIfAbsent(evidence.key(), k -> new long[2]);
            counts[evidence.ok() ? 0 : 1]++;
          }
        });
    reports.forEach(
        (key, observations) ->
            reportedStages.put(
                key, StageFold.apply(null, key, observations, StagePolicy.defaults())));
  }

  int jobCount() {
    return jobs.size();
  }

  /**
   * Every valid event stored once, every poison record dead-lettered, and jobs and stages equal to
   * the pure fold.
   */
  void assertDatabaseHolds(Harness harness, Stream stream) {
    assertThat(harness.count("SELECT count(*) FROM job_events"))
        .isEqualTo(stream.validEvents.size());
    assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(stream.poison);
    assertJobsMatch(harness);
    assertStagesMatch(harness);
  }

  /** Every job row equals its pure fold, column by column. */
  void assertJobsMatch(Harness harness) {
    Map<String, Map<String, Object>> rows = new TreeMap<>();
    harness
        .jdbi()
        .useHandle(
            h ->
                h.createQuery("SELECT * FROM jobs")
                    .mapToMap()
                    .forEach(row -> rows.put((String) row.get("job_id"), row)));
    assertThat(rows.keySet()).isEqualTo(jobs.keySet());
    jobs.forEach(
        (jobId, expected) -> {
          Map<String, Object> row = rows.get(jobId);
          assertThat(row)
              .as("job %s", jobId)
              .containsEntry("state", expected.state().wireName())
              .containsEntry("attempt", expected.attempt())
              .containsEntry("exit_code", expected.exitCode())
              .containsEntry("blame", expected.blame() == null ? null : expected.blame().wireName())
              .containsEntry("cause", expected.cause())
              .containsEntry("service", expected.service())
              .containsEntry("runner", expected.runner())
              .containsEntry("runtime_error", expected.runtime().errorSummary())
              .containsEntry("runtime_warning", expected.runtime().warning())
              .containsEntry("runtime_activity", expected.runtime().activity())
              .containsEntry("reusable", expected.reusable());
          assertThat(instant(row.get("started_at")))
              .as("started_at of %s", jobId)
              .isEqualTo(expected.startedAt());
          assertThat(instant(row.get("finished_at")))
              .as("finished_at of %s", jobId)
              .isEqualTo(expected.finishedAt());
          assertThat(instant(row.get("updated_at")))
              .as("updated_at of %s", jobId)
              .isEqualTo(expected.updatedAt());
          // Not only the real fold, which could be its own oracle: the reference fold too.
          ReferenceJobFold.Outcome reference = references.get(jobId);
          assertThat(row)
              .as("job %s against the reference fold", jobId)
              .containsEntry("state", reference.state().wireName())
              .containsEntry("attempt", reference.attempt())
              .containsEntry("exit_code", reference.exitCode())
              .containsEntry(
                  "blame", reference.blame() == null ? null : reference.blame().wireName())
              .containsEntry("cause", reference.cause())
              .containsEntry("runtime_error", reference.runtimeError());
          assertThat(instant(row.get("started_at")))
              .as("started_at of %s against the reference fold", jobId)
              .isEqualTo(reference.startedAt());
          assertThat(instant(row.get("finished_at")))
              .as("finished_at of %s against the reference fold", jobId)
              .isEqualTo(reference.finishedAt());
        });
  }

  /**
   * Stages reported on the error topic (in order per service) equal their pure fold; stages fed by
   * lifecycle evidence from every partition have the exact counts.
   */
  void assertStagesMatch(Harness harness) {
    List<Map<String, Object>> rows =
        harness
            .jdbi()
            .withHandle(h -> h.createQuery("SELECT * FROM stage_health").mapToMap().list());
    int reported = 0;
    int evidenced = 0;
    for (Map<String, Object> row : rows) {
      StageKey key =
          new StageKey(
              (String) row.get("service"), (String) row.get("runner"), (String) row.get("stage"));
      StageHealth expected = reportedStages.get(key);
      if (expected != null) {
        reported++;
        assertThat(row)
            .as("stage %s", key)
            .containsEntry("severity", expected.severity().wireName())
            .containsEntry("consecutive_errors", expected.consecutiveErrors())
            .containsEntry("error_count", expected.errorCount())
            .containsEntry("ok_count", expected.okCount())
            .containsEntry("last_error_class", expected.lastErrorClass())
            .containsEntry("last_error_message", expected.lastErrorMessage());
        assertThat(instant(row.get("since"))).as("since of %s", key).isEqualTo(expected.since());
        assertThat(instant(row.get("last_ok_at")))
            .as("last_ok_at of %s", key)
            .isEqualTo(expected.lastOkAt());
      } else {
        evidenced++;
        long[] counts = evidenceCounts.get(key);
        assertThat(counts).as("evidence for %s", key).isNotNull();
        assertThat(row)
            .as("stage %s", key)
            .containsEntry("ok_count", counts[0])
            .containsEntry("error_count", counts[1]);
      }
    }
    assertThat(reported).isEqualTo(reportedStages.size());
    assertThat(evidenced).isEqualTo(evidenceCounts.size());
  }

  private static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant();
    }
    if (value instanceof java.time.OffsetDateTime offset) {
      return offset.toInstant();
    }
    throw new IllegalArgumentException("not a timestamp: " + value.getClass());
  }
}
