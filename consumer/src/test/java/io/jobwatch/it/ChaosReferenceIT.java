package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.job.ReferenceJobFold;
import io.jobwatch.core.stage.ReferenceStageFold;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.testing.FaultTest;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A realistic mixed workload played through the real consumer under a random sequence of faults (a
 * consumer killed mid-batch, restarts, a second instance and its rebalances, database sessions
 * terminated, a broker restart), then the database and the counters compared with the reference
 * folds ({@link ReferenceJobFold}, {@link ReferenceStageFold}, and the monitor times read from
 * docs/monitors.md) of the de-duplicated events. A failure names its seed; rerun that seed alone to
 * replay it (the faults' points depend on timing, the workload and the fault sequence do not).
 */
@WithInfra
class ChaosReferenceIT {
  private static final int JOBS = 200;
  private static final int CHUNKS = 8;

  @FaultTest
  @Test
  @DisplayName("Seed 1: a mixed workload under random faults folds to the reference")
  void seed1(Infra infra) throws Exception {
    run(infra, 1);
  }

  @FaultTest
  @Test
  @DisplayName("Seed 2: a mixed workload under random faults folds to the reference")
  void seed2(Infra infra) throws Exception {
    run(infra, 2);
  }

  private enum Fault {
    NONE,
    RESTART,
    SECOND_INSTANCE,
    TERMINATE_SESSIONS,
    BROKER_RESTART
  }

  @FaultTest
  @Test
  @DisplayName(
      "Seed 3, stages configured to need 2 errors and 2 successes in a row: the same under faults")
  void seed3WithOtherStageThresholds(Infra infra) throws Exception {
    run(infra, 3, new StagePolicy(2, 2, DEFAULTS.window(), DEFAULTS.classifier()));
  }

  private static final StagePolicy DEFAULTS = StagePolicy.defaults();

  private static void run(Infra infra, long seed) throws Exception {
    run(infra, seed, DEFAULTS);
  }

  private static void run(Infra infra, long seed, StagePolicy policy) throws Exception {
    Map<String, String> environment =
        Map.of(
            "JOBWATCH_STAGE_ERROR_THRESHOLD", String.valueOf(policy.errorThreshold()),
            "JOBWATCH_STAGE_RECOVERY_THRESHOLD", String.valueOf(policy.recoveryThreshold()));
    try (Harness harness = new Harness(infra, 4, environment)) {
      Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
      ChaosWorkload workload =
          new ChaosWorkload(seed, harness.lifecycle, harness.errors, t0).generate(JOBS);
      Random faults = new Random(seed * 7919);
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      List<String> log = new ArrayList<>();
      int chunk = workload.records.size() / CHUNKS;
      KafkaProducer<byte[], byte[]> producer = producer(infra);

      // A consumer in its own JVM, killed with SIGKILL while it applies the first chunks.
      Map<String, Long> boundary;
      try (ConsumerProcess child = ConsumerProcess.start(harness, environment)) {
        publish(producer, workload, 0, 2 * chunk, sent);
        Harness.await(
            "the first consumer to apply part of the stream",
            Duration.ofSeconds(90),
            () ->
                harness.countOnceMigrated("SELECT count(*) FROM job_events") > 200
                    || !child.isAlive());
        assertThat(child.isAlive()).as(child.output()).isTrue();
        child.kill();
        log.add("killed the first consumer (SIGKILL)");
        // A COMMIT the child had sent still completes on the server: the boundary is read once
        // the child's sessions are gone (review).
        Harness.await(
            "the killed consumer's database sessions to end",
            Duration.ofSeconds(60),
            () ->
                harness.count(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jobwatch'"
                            + " AND datname = current_database()")
                    == 0);
        boundary = committedOffsets(harness);
      }

      List<JobwatchApp> apps = new ArrayList<>();
      Map<Outcome, Double> counted = new EnumMap<>(Outcome.class);
      boolean brokerRestarted = false;
      Expected expected = null;
      try {
        apps.add(harness.startApp());
        for (int c = 2; c < CHUNKS; c++) {
          int from = c * chunk;
          int to = c == CHUNKS - 1 ? workload.records.size() : (c + 1) * chunk;
          publish(producer, workload, from, to, sent);
          Fault fault = Fault.values()[faults.nextInt(Fault.values().length)];
          if (fault == Fault.BROKER_RESTART && brokerRestarted) {
            fault = Fault.RESTART;
          }
          log.add("chunk " + c + ": " + fault);
          switch (fault) {
            case NONE -> {}
            case RESTART -> {
              JobwatchApp leaving = apps.remove(faults.nextInt(apps.size()));
              close(leaving, harness, counted);
              apps.add(harness.startApp());
            }
            case SECOND_INSTANCE -> {
              if (apps.size() < 2) {
                apps.add(harness.startApp());
              } else {
                close(apps.remove(faults.nextInt(apps.size())), harness, counted);
              }
            }
            case TERMINATE_SESSIONS -> terminateSessions(harness);
            case BROKER_RESTART -> {
              brokerRestarted = true;
              producer.close(Duration.ofSeconds(5));
              infra.stopBroker();
              Thread.sleep(1_000);
              infra.startBroker();
              producer = producer(infra);
            }
          }
        }
        int total = workload.records.size();
        Harness.await(
            "every record to be consumed (seed " + seed + ", " + log + ")",
            Duration.ofSeconds(180),
            () ->
                harness.countOnceMigrated(
                        "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                    == total);
        expected = new Expected(workload, policy);
        assertExported(apps, expected, seed, log);
        // A failover with two instances running, then one of them leaving: still one exporter.
        if (apps.size() < 2) {
          apps.add(harness.startApp());
        }
        terminateSessions(harness);
        assertExported(apps, expected, seed, log);
        terminateSessions(harness);
        close(apps.remove(0), harness, counted);
        assertExported(apps, expected, seed, log);
      } finally {
        for (JobwatchApp app : apps) {
          close(app, harness, counted);
        }
        producer.close(Duration.ofSeconds(5));
      }

      List<RecordMetadata> placed = new ArrayList<>();
      for (Future<RecordMetadata> future : sent) {
        placed.add(future.get());
      }
      SoftAssertions softly = new SoftAssertions();
      String as = "seed " + seed + " with faults " + log;
      System.out.printf(
          "ChaosReferenceIT seed %d: %d records (%d events, %d republished, %d poison, %d skewed),"
              + " %d jobs; faults %s%n",
          seed,
          workload.records.size(),
          workload.folded.size(),
          workload.republished,
          workload.poison,
          workload.skewed,
          JOBS,
          log);
      expected.assertJobs(harness, softly, as);
      expected.assertStages(harness, softly, as);
      expected.assertMonitors(harness, softly, as);
      assertDeadLettersAndCounters(harness, workload, placed, boundary, counted, softly, as);
      softly.assertAll();
    }
  }

  private static void publish(
      KafkaProducer<byte[], byte[]> producer,
      ChaosWorkload workload,
      int from,
      int to,
      List<Future<RecordMetadata>> sent) {
    for (ChaosWorkload.Published record : workload.records.subList(from, to)) {
      RecordHeaders headers = new RecordHeaders();
      if (record.headers() != null) {
        record
            .headers()
            .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
      }
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  record.topic(),
                  null,
                  record.timestamp().toEpochMilli(),
                  record.key().getBytes(StandardCharsets.UTF_8),
                  record.value(),
                  headers)));
    }
    producer.flush();
  }

  /**
   * Not idempotent: the embedded broker, restarted, hands out producer ids again, and a new
   * idempotent producer that gets the id of one before the restart is refused for ever
   * (OUT_OF_ORDER_SEQUENCE_NUMBER). One request in flight keeps the order of the records.
   */
  private static KafkaProducer<byte[], byte[]> producer(Infra infra) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(properties);
  }

  private static void close(JobwatchApp app, Harness harness, Map<Outcome, Double> counted) {
    app.close();
    for (Outcome outcome : Outcome.values()) {
      counted.merge(
          outcome,
          app.pipelineMetrics().count(harness.lifecycle, outcome)
              + app.pipelineMetrics().count(harness.errors, outcome),
          Double::sum);
    }
  }

  /**
   * The database-derived families as Prometheus sees them once caught up: exactly one running
   * instance exports them (docs/alerts.md, "One exporter at a time"), with the reference's job
   * counts, stage severities and crashes (non-zero series; zeros are not compared).
   */
  private static void assertExported(
      List<JobwatchApp> apps, Expected expected, long seed, List<String> log) {
    Map<String, Double> wanted = expected.exportedSeries();
    List<String> last = new ArrayList<>();
    try {
      Harness.await(
          "one exporter with the reference's values",
          Duration.ofSeconds(60),
          () -> {
            last.clear();
            List<Map<String, Double>> exporters = new ArrayList<>();
            for (JobwatchApp app : apps) {
              Scrape scrape = Scrape.metrics(app.httpPort());
              if (scrape.value("jobwatch_exporter_active") == 1.0) {
                exporters.add(exportedSeries(scrape));
              }
            }
            last.add(exporters.size() + " exporters");
            exporters.forEach(series -> last.add(series.toString()));
            return exporters.size() == 1 && exporters.get(0).equals(wanted);
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          "seed "
              + seed
              + " with faults "
              + log
              + ": wanted one exporter of "
              + wanted
              + "; last scrapes: "
              + last,
          e);
    }
  }

  private static Map<String, Double> exportedSeries(Scrape scrape) {
    Map<String, Double> series = new TreeMap<>();
    for (String name :
        List.of(
            "jobwatch_jobs",
            "jobwatch_stage_health",
            "jobwatch_job_crashes_total",
            "jobwatch_dead_letters")) {
      for (Scrape.Sample sample : scrape.samples(name)) {
        if (sample.value() != 0.0) {
          series.put(sample.series(), sample.value());
        }
      }
    }
    // Of the monitors, what does not depend on the clock: paused, and retired ones gone.
    for (Scrape.Sample sample : scrape.samples("jobwatch_monitor_status")) {
      boolean retired =
          ChaosWorkload.MONITORS[2].equals(sample.labels().get("monitor"))
              && sample.labels().get("monitor") != null;
      if (retired || ("paused".equals(sample.labels().get("status")) && sample.value() != 0.0)) {
        series.put(sample.series(), sample.value());
      }
    }
    return series;
  }

  /** What a failover does to the consumer's sessions: every other session of the database ends. */
  private static void terminateSessions(Harness harness) {
    harness
        .jdbi()
        .useHandle(
            h ->
                h.createQuery(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    .mapTo(Long.class)
                    .one());
  }

  private static Map<String, Long> committedOffsets(Harness harness) {
    Map<String, Long> offsets = new HashMap<>();
    harness
        .rows(
            "SELECT topic, kafka_partition, next_offset FROM consumer_offsets WHERE group_id = :p0",
            harness.group)
        .forEach(
            row ->
                offsets.put(
                    row.get("topic") + "/" + row.get("kafka_partition"),
                    ((Number) row.get("next_offset")).longValue()));
    return offsets;
  }

  /**
   * Exactly the poison records are dead letters, once each; the in-process consumers counted, by
   * outcome, exactly the records after what the killed consumer committed.
   */
  private static void assertDeadLettersAndCounters(
      Harness harness,
      ChaosWorkload workload,
      List<RecordMetadata> placed,
      Map<String, Long> boundary,
      Map<Outcome, Double> counted,
      SoftAssertions softly,
      String as) {
    Set<String> poison = new TreeSet<>();
    Map<Outcome, Double> expected = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      expected.put(outcome, 0.0);
    }
    Set<String> seen = new HashSet<>();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      order.add(i);
    }
    // Per partition, in offset order: a republished record after its original is a duplicate.
    order.sort(
        Comparator.<Integer, String>comparing(i -> placed.get(i).topic())
            .thenComparingInt(i -> placed.get(i).partition())
            .thenComparingLong(i -> placed.get(i).offset()));
    for (int i : order) {
      RecordMetadata metadata = placed.get(i);
      ChaosWorkload.Published record = workload.records.get(i);
      String partition = metadata.topic() + "/" + metadata.partition();
      Outcome outcome;
      if (record.poison()) {
        poison.add(partition + "@" + metadata.offset());
        outcome = Outcome.DEAD_LETTERED;
      } else if (seen.add(record.eventId())) {
        outcome = Outcome.APPLIED;
      } else {
        outcome = Outcome.DUPLICATE;
      }
      if (metadata.offset() >= boundary.getOrDefault(partition, 0L)) {
        expected.merge(outcome, 1.0, Double::sum);
      }
    }
    Set<String> letters = new TreeSet<>();
    harness
        .rows("SELECT topic, kafka_partition, kafka_offset FROM dead_letters")
        .forEach(
            row ->
                letters.add(
                    row.get("topic")
                        + "/"
                        + row.get("kafka_partition")
                        + "@"
                        + row.get("kafka_offset")));
    softly
        .assertThat(harness.count("SELECT count(*) FROM dead_letters"))
        .as(as)
        .isEqualTo(poison.size());
    softly.assertThat(letters).as("dead letters, " + as).isEqualTo(poison);
    softly
        .assertThat(harness.count("SELECT count(*) FROM job_events"))
        .as("stored events, " + as)
        .isEqualTo(workload.folded.size());
    softly
        .assertThat(counted.get(Outcome.APPLIED) + counted.get(Outcome.IGNORED))
        .as("applied + ignored after the kill, " + as)
        .isEqualTo(expected.get(Outcome.APPLIED));
    softly
        .assertThat(counted.get(Outcome.DUPLICATE))
        .as("duplicates after the kill, " + as)
        .isEqualTo(expected.get(Outcome.DUPLICATE));
    softly
        .assertThat(counted.get(Outcome.DEAD_LETTERED))
        .as("dead letters counted after the kill, " + as)
        .isEqualTo(expected.get(Outcome.DEAD_LETTERED));
  }

  /** The reference folds of the workload's de-duplicated events (at their folded times). */
  private static final class Expected {
    private final ChaosWorkload workload;
    private final Map<String, List<JobEvent>> byJob = new TreeMap<>();
    private final Map<String, ReferenceJobFold.Outcome> jobs = new TreeMap<>();
    private final Map<StageKey, List<StageObservation>> observations = new HashMap<>();
    private final StagePolicy policy;

    Expected(ChaosWorkload workload, StagePolicy policy) {
      this.workload = workload;
      this.policy = policy;
      for (Event event : workload.folded.values()) {
        if (event instanceof JobEvent job) {
          byJob.computeIfAbsent(job.jobId(), id -> new ArrayList<>()).add(job);
        } else if (event instanceof StageEvent stage) {
          observations
              .computeIfAbsent(stage.key(), k -> new ArrayList<>())
              .add(StageObservation.of(stage));
        }
      }
      byJob.forEach(
          (jobId, events) -> {
            ReferenceJobFold.Outcome outcome = ReferenceJobFold.fold(events);
            jobs.put(jobId, outcome);
            String service = service(events);
            // Evidence reads "<event id> <stage> <ok|error> <runner>".
            for (String evidence : outcome.evidence()) {
              String[] parts = evidence.split(" ");
              Event source = workload.folded.get(parts[0]);
              StageKey key = new StageKey(service, parts[3], parts[1]);
              StageObservation observation =
                  parts[2].equals("ok")
                      ? StageObservation.ok(parts[0], source.time(), key)
                      : StageObservation.error(
                          parts[0], source.time(), key, "NotStarted", null, jobId, null);
              observations.computeIfAbsent(key, k -> new ArrayList<>()).add(observation);
            }
          });
    }

    /** The non-zero series of the exported families the reference implies, as Scrape names them. */
    Map<String, Double> exportedSeries() {
      Map<String, Double> series = new TreeMap<>();
      jobs.forEach(
          (jobId, reference) -> {
            String service = service(byJob.get(jobId));
            series.merge(
                new Scrape.Sample(
                        "jobwatch_jobs",
                        Map.of("service", service, "state", reference.state().wireName()),
                        0)
                    .series(),
                1.0,
                Double::sum);
            reference
                .crashes()
                .values()
                .forEach(
                    blame ->
                        series.merge(
                            new Scrape.Sample(
                                    "jobwatch_job_crashes_total",
                                    Map.of("service", service, "blame", blame.wireName()),
                                    0)
                                .series(),
                            1.0,
                            Double::sum));
          });
      workload.records.stream()
          .filter(ChaosWorkload.Published::poison)
          .forEach(
              poison ->
                  series.merge(
                      new Scrape.Sample("jobwatch_dead_letters", Map.of("topic", poison.topic()), 0)
                          .series(),
                      1.0,
                      Double::sum));
      for (String monitor : workload.pausedMonitors) {
        series.put(
            new Scrape.Sample(
                    "jobwatch_monitor_status",
                    Map.of("monitor", monitor, "team", "ops", "status", "paused"),
                    0)
                .series(),
            1.0);
      }
      observations.forEach(
          (key, list) -> {
            double severity = ReferenceStageFold.fold(list, policy).severity().level();
            if (severity != 0.0) {
              series.put(
                  new Scrape.Sample(
                          "jobwatch_stage_health",
                          Map.of(
                              "service",
                              key.service(),
                              "runner",
                              key.runner(),
                              "stage",
                              key.stage()),
                          0)
                      .series(),
                  severity);
            }
          });
      return series;
    }

    private static String service(List<JobEvent> events) {
      // Every event that names the service names the same one (a cron run's job.started).
      return events.stream()
          .map(JobEvent::service)
          .filter(java.util.Objects::nonNull)
          .findFirst()
          .orElseThrow();
    }

    void assertJobs(Harness harness, SoftAssertions softly, String as) {
      Map<String, Map<String, Object>> rows = new TreeMap<>();
      harness.rows("SELECT * FROM jobs").forEach(row -> rows.put((String) row.get("job_id"), row));
      softly.assertThat(rows.keySet()).as("jobs, " + as).isEqualTo(jobs.keySet());
      Map<String, String> outcomes = new HashMap<>();
      harness
          .rows("SELECT event_id, outcome FROM job_events WHERE job_id IS NOT NULL")
          .forEach(row -> outcomes.put((String) row.get("event_id"), (String) row.get("outcome")));
      Set<String> crashes = new TreeSet<>();
      jobs.forEach(
          (jobId, reference) ->
              reference
                  .crashes()
                  .forEach(
                      (attempt, blame) ->
                          crashes.add(
                              jobId
                                  + " attempt "
                                  + attempt
                                  + " "
                                  + service(byJob.get(jobId))
                                  + " "
                                  + blame.wireName())));
      Set<String> crashRows = new TreeSet<>();
      harness
          .rows("SELECT job_id, attempt, service, blame FROM job_attempt_crashes")
          .forEach(
              row ->
                  crashRows.add(
                      row.get("job_id")
                          + " attempt "
                          + row.get("attempt")
                          + " "
                          + row.get("service")
                          + " "
                          + row.get("blame")));
      softly.assertThat(crashRows).as("crashed attempts, " + as).isEqualTo(crashes);
      jobs.forEach(
          (jobId, reference) -> {
            Map<String, Object> row = rows.get(jobId);
            if (row == null) {
              return;
            }
            List<JobEvent> events = byJob.get(jobId);
            String[] runtime = warningAndActivity(events, reference);
            boolean reusable =
                reference.state() == JobState.SUCCEEDED
                    || (reference.state() == JobState.RUNNING && reference.runtimeError() == null);
            Map<String, Object> wanted = new TreeMap<>();
            wanted.put("service", service(events));
            wanted.put("runner", reference.runner());
            wanted.put("state", reference.state().wireName());
            wanted.put("attempt", reference.attempt());
            wanted.put("exit_code", reference.exitCode());
            wanted.put("blame", reference.blame() == null ? null : reference.blame().wireName());
            wanted.put("cause", reference.cause());
            wanted.put("runtime_error", reference.runtimeError());
            wanted.put("runtime_warning", runtime[0]);
            wanted.put("runtime_activity", runtime[1]);
            wanted.put("reusable", reusable);
            wanted.put("started_at", reference.startedAt());
            wanted.put("finished_at", reference.finishedAt());
            Map<String, Object> actual = new TreeMap<>();
            for (String column : wanted.keySet()) {
              Object value = row.get(column);
              actual.put(column, column.endsWith("_at") ? Harness.instant(value) : value);
            }
            softly
                .assertThat(actual)
                .as("job %s, %s, events %s", jobId, as, events)
                .isEqualTo(wanted);
            for (JobEvent event : events) {
              String expected = reference.ignored().contains(event.id()) ? "ignored" : "applied";
              softly
                  .assertThat(outcomes.get(event.id()))
                  .as(
                      "stored outcome of %s (%s of job %s), %s",
                      event.id(), event.type(), jobId, as)
                  .isEqualTo(expected);
            }
          });
    }

    /**
     * Rule "runtime status": of the applied job.status events of the current attempt, the latest
     * non-blank warning and activity by event time (then id).
     */
    private static String[] warningAndActivity(
        List<JobEvent> events, ReferenceJobFold.Outcome reference) {
      String warning = null;
      String activity = null;
      List<JobEvent> statuses =
          events.stream()
              .filter(e -> e.change() instanceof JobChange.Status)
              .filter(e -> !reference.ignored().contains(e.id()))
              .filter(e -> ((JobChange.Status) e.change()).attempt() == reference.attempt())
              .sorted(Comparator.comparing(JobEvent::time).thenComparing(JobEvent::id))
              .toList();
      for (JobEvent event : statuses) {
        JobChange.Status status = (JobChange.Status) event.change();
        if (status.warning() != null && !status.warning().isBlank()) {
          warning = status.warning();
        }
        if (status.activity() != null && !status.activity().isBlank()) {
          activity = status.activity();
        }
      }
      return new String[] {warning, activity};
    }

    void assertStages(Harness harness, SoftAssertions softly, String as) {
      Map<StageKey, Map<String, Object>> rows = new HashMap<>();
      harness
          .rows("SELECT *, severity::text AS severity_name FROM stage_health")
          .forEach(
              row ->
                  rows.put(
                      new StageKey(
                          (String) row.get("service"),
                          (String) row.get("runner"),
                          (String) row.get("stage")),
                      row));
      softly
          .assertThat(rows.keySet())
          .as("stage_health keys, " + as)
          .containsExactlyInAnyOrderElementsOf(observations.keySet());
      observations.forEach(
          (key, list) -> {
            Map<String, Object> row = rows.get(key);
            if (row == null) {
              return;
            }
            ReferenceStageFold.Outcome reference = ReferenceStageFold.fold(list, policy);
            Map<String, Object> wanted = new TreeMap<>();
            wanted.put("severity", reference.severity().wireName());
            wanted.put("since", reference.since());
            wanted.put("consecutive_errors", reference.runErrorsInWindow());
            wanted.put("ok_count", reference.okCount());
            wanted.put("error_count", reference.errorCount());
            wanted.put("last_ok_at", reference.lastOkAt());
            // The latest error by event time (then id) is the one the record names.
            StageObservation lastError =
                list.stream()
                    .filter(o -> !o.ok())
                    .max(
                        Comparator.comparing(StageObservation::time)
                            .thenComparing(StageObservation::eventId))
                    .orElse(null);
            wanted.put("last_error_at", lastError == null ? null : lastError.time());
            wanted.put("last_error_class", lastError == null ? null : lastError.errorClass());
            Map<String, Object> actual = new TreeMap<>();
            actual.put("severity", row.get("severity_name"));
            actual.put("since", Harness.instant(row.get("since")));
            actual.put("consecutive_errors", ((Number) row.get("consecutive_errors")).intValue());
            actual.put("ok_count", ((Number) row.get("ok_count")).longValue());
            actual.put("error_count", ((Number) row.get("error_count")).longValue());
            actual.put("last_ok_at", Harness.instant(row.get("last_ok_at")));
            actual.put("last_error_at", Harness.instant(row.get("last_error_at")));
            actual.put("last_error_class", row.get("last_error_class"));
            List<StageObservation> sorted =
                list.stream()
                    .sorted(
                        Comparator.comparing(StageObservation::time)
                            .thenComparing(StageObservation::eventId))
                    .toList();
            softly
                .assertThat(actual)
                .as("stage %s, %s, last observations %s", key, as, tail(sorted))
                .isEqualTo(wanted);
          });
    }

    private static List<String> tail(List<StageObservation> sorted) {
      return sorted.subList(Math.max(0, sorted.size() - 8), sorted.size()).stream()
          .map(o -> o.time() + (o.ok() ? " ok" : " " + o.errorClass()) + " " + o.eventId())
          .toList();
    }

    /**
     * docs/monitors.md: success and failure times are the latest finish of a successful or failed
     * run, the last start the latest start; paused and retired as the latest such event says.
     */
    void assertMonitors(Harness harness, SoftAssertions softly, String as) {
      Map<String, Instant[]> times = new TreeMap<>();
      workload.monitorOfJob.forEach(
          (jobId, monitor) -> {
            ReferenceJobFold.Outcome run = jobs.get(jobId);
            Instant[] t = times.computeIfAbsent(monitor, m -> new Instant[3]);
            t[0] = later(t[0], run.startedAt());
            if (run.state() == JobState.SUCCEEDED) {
              t[1] = later(t[1], run.finishedAt());
            } else if (run.state().isTerminal()) {
              t[2] = later(t[2], run.finishedAt());
            }
          });
      for (String monitor : ChaosWorkload.MONITORS) {
        Map<String, Object> row =
            harness.row(
                "SELECT paused, retired_at IS NOT NULL AS retired, last_start_at,"
                    + " last_success_at, last_failure_at FROM monitors WHERE monitor = :p0",
                monitor);
        Instant[] t = times.getOrDefault(monitor, new Instant[3]);
        Map<String, Object> wanted = new TreeMap<>();
        wanted.put("paused", workload.pausedMonitors.contains(monitor));
        wanted.put("retired", workload.retiredMonitors.contains(monitor));
        wanted.put("last_start_at", t[0]);
        wanted.put("last_success_at", t[1]);
        wanted.put("last_failure_at", t[2]);
        Map<String, Object> actual = new TreeMap<>();
        actual.put("paused", row.get("paused"));
        actual.put("retired", row.get("retired"));
        actual.put("last_start_at", Harness.instant(row.get("last_start_at")));
        actual.put("last_success_at", Harness.instant(row.get("last_success_at")));
        actual.put("last_failure_at", Harness.instant(row.get("last_failure_at")));
        softly.assertThat(actual).as("monitor %s, %s", monitor, as).isEqualTo(wanted);
      }
    }

    private static Instant later(Instant a, Instant b) {
      return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }
  }
}
