package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.FaultTest;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithInfra
class ResilienceIT {

  @Test
  @DisplayName(
      "A consumer killed with SIGKILL mid-stream and restarted ends with the same database as an uninterrupted run")
  void sigkillMidStreamLosesNothingAndAppliesNothingTwice(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 3)) {
      Stream stream = new Stream(7, harness.lifecycle, harness.errors).generate(600, 20);
      FoldExpectation expected = new FoldExpectation(stream.validEvents.values());
      stream.publish(harness);
      try (ConsumerProcess first = ConsumerProcess.start(harness)) {
        Harness.await(
            "the first consumer to apply part of the stream",
            Duration.ofSeconds(90),
            () ->
                harness.countOnceMigrated("SELECT count(*) FROM job_events") > 300
                    || !first.isAlive());
        assertThat(first.isAlive()).as(first.output()).isTrue();
        first.kill();
      }
      long appliedBeforeKill = harness.count("SELECT count(*) FROM job_events");
      assertThat(appliedBeforeKill).isLessThan(stream.validEvents.size());
      try (ConsumerProcess second = ConsumerProcess.start(harness)) {
        ExactlyOnceIT.awaitAllConsumed(harness, stream, null);
        assertThat(second.terminate())
            .as("exit code after SIGTERM; log:\n%s", second.output())
            .isZero();
      }
      expected.assertDatabaseHolds(harness, stream);
    }
  }

  @FaultTest
  @Test
  @DisplayName(
      "PostgreSQL stopped mid-stream: readiness turns false, and after its restart nothing is lost or applied twice")
  void databaseOutageMidStream(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 3)) {
      Stream stream = new Stream(11, harness.lifecycle, harness.errors).generate(600, 20);
      FoldExpectation expected = new FoldExpectation(stream.validEvents.values());
      int half = stream.records.size() / 2;
      try (JobwatchApp app = harness.startApp()) {
        stream.publish(harness, 0, half);
        Harness.await(
            "the first half to be applied",
            Duration.ofSeconds(90),
            () ->
                harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                    == half);
        assertThat(readyz(app)).isEqualTo(200);

        infra.stopDatabase();
        try {
          stream.publish(harness, half, stream.records.size());
          Harness.await("readiness to turn false", Duration.ofSeconds(60), () -> !app.isReady());
          assertThat(readyz(app)).isEqualTo(503);
          Thread.sleep(2_000);
          assertThat(app.isReady()).isFalse();
        } finally {
          infra.startDatabase();
        }
        ExactlyOnceIT.awaitAllConsumed(harness, stream, app);
        Harness.await("readiness to return", Duration.ofSeconds(60), app::isReady);
        assertThat(readyz(app)).isEqualTo(200);
      }
      expected.assertDatabaseHolds(harness, stream);
    }
  }

  @FaultTest
  @Test
  @DisplayName("An idle consumer reports not-ready while PostgreSQL is away, and ready again after")
  void idleConsumerNoticesTheDatabaseGoing(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the idle consumer to be ready", Duration.ofSeconds(60), app::isReady);
      infra.stopDatabase();
      try {
        Harness.await("readiness to turn false", Duration.ofSeconds(60), () -> !app.isReady());
        assertThat(readyz(app)).isEqualTo(503);
      } finally {
        infra.startDatabase();
      }
      Harness.await("readiness to return", Duration.ofSeconds(60), app::isReady);
      assertThat(readyz(app)).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "An event the database refuses is isolated and dead-lettered with the database's reason; the rest of its batch is applied")
  void eventTheDatabaseRefusesIsDeadLettered(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the schema", Duration.ofSeconds(60), app::isReady);
      }
      // Stands for any rule of the database an event might break that the contract cannot see.
      harness
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "ALTER TABLE jobs ADD CONSTRAINT test_no_cursed_service CHECK (service IS DISTINCT FROM 'cursed')"));
      java.time.Instant t0 = java.time.Instant.parse("2026-11-22T10:00:00Z");
      for (int i = 0; i < 40; i++) {
        String service = i == 17 ? "cursed" : "blast";
        harness.send(
            harness.lifecycle,
            "job-" + i,
            Envelopes.event(
                "job.submitted",
                t0.plusSeconds(i),
                "{\"job_id\":\"job-" + i + "\",\"service\":\"" + service + "\"}"));
      }
      harness.flush();
      try (JobwatchApp app = harness.startApp()) {
        Harness.await(
            "all 40 records to be handled",
            Duration.ofSeconds(60),
            () ->
                harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") == 40);
        assertThat(app.isReady()).isTrue();
      }
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(39);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(39);
      String reason =
          harness
              .jdbi()
              .withHandle(
                  h -> h.createQuery("SELECT reason FROM dead_letters").mapTo(String.class).one());
      assertThat(reason)
          .startsWith("the database refused this event")
          .contains("test_no_cursed_service");
    }
  }

  @FaultTest
  @Test
  @DisplayName("A broker restart mid-stream: the consumer reconnects and resumes without loss")
  void brokerRestartMidStream(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2)) {
      Stream stream = new Stream(31, harness.lifecycle, harness.errors).generate(300, 10);
      FoldExpectation expected = new FoldExpectation(stream.validEvents.values());
      int half = stream.records.size() / 2;
      try (JobwatchApp app = harness.startApp()) {
        stream.publish(harness, 0, half);
        Harness.await(
            "the first half to be applied",
            Duration.ofSeconds(90),
            () ->
                harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                    == half);
        harness.closeProducer();
        infra.stopBroker();
        Thread.sleep(2_000);
        infra.startBroker();
        stream.publish(harness, half, stream.records.size());
        ExactlyOnceIT.awaitAllConsumed(harness, stream, app);
      }
      assertThat(harness.count("SELECT count(*) FROM job_events"))
          .isEqualTo(stream.validEvents.size());
      expected.assertJobsMatch(harness);
    }
  }

  @Test
  @DisplayName(
      "Three consumers joining and leaving during a stream end with the same database as one")
  void threeConsumersJoiningAndLeaving(Infra infra) {
    joinAndLeave(infra, Map.of());
  }

  @Test
  @DisplayName(
      "The same with cooperative-sticky rebalancing: partitions move one by one while the others"
          + " keep consuming, without loss or double application")
  void cooperativeConsumersJoiningAndLeaving(Infra infra) {
    joinAndLeave(
        infra,
        Map.of(
            "JOBWATCH_KAFKA_PARTITION_ASSIGNMENT_STRATEGY",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
  }

  private static void joinAndLeave(Infra infra, Map<String, String> environment) {
    try (Harness harness = new Harness(infra, 6, environment)) {
      Stream stream = new Stream(23, harness.lifecycle, harness.errors).generate(900, 20);
      FoldExpectation expected = new FoldExpectation(stream.validEvents.values());
      int third = stream.records.size() / 3;
      JobwatchApp first = harness.startApp();
      JobwatchApp second = null;
      JobwatchApp third3 = null;
      try {
        stream.publish(harness, 0, third);
        second = harness.startApp();
        third3 = harness.startApp();
        stream.publish(harness, third, 2 * third);
        first.close();
        first = null;
        stream.publish(harness, 2 * third, stream.records.size());
        ExactlyOnceIT.awaitAllConsumed(harness, stream, second);
      } finally {
        for (JobwatchApp app : new JobwatchApp[] {first, second, third3}) {
          if (app != null) {
            app.close();
          }
        }
      }
      expected.assertDatabaseHolds(harness, stream);
    }
  }

  private static int readyz(JobwatchApp app) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/readyz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }
}
