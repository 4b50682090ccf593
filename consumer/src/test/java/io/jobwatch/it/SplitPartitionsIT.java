package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.core.Events;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.FoldStateTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A job whose events land on two partitions (publishers with different partitioners: librdkafka's
 * default {@code consistent_random} and the Java client's murmur2; or partitions added to the
 * topic), owned by two instances: each instance's fold-state write is a compare-and-set on the
 * state its batch started from, so neither overwrites the other's newer state with a fold of a
 * stale (cached or concurrently read) one; the loser rolls back and retries from the database.
 */
@WithInfra
class SplitPartitionsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "A job whose events land on two partitions owned by two instances folds to its full history")
  void jobSplitOverTwoInstancesKeepsEveryEvent(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2)) {
      JobwatchApp first = harness.startApp();
      JobwatchApp second = harness.startApp();
      try (Admin admin = admin(harness)) {
        Harness.await("both consumers ready", WAIT, () -> first.isReady() && second.isReady());
        Harness.await(
            "a stable group of two, each with one lifecycle partition",
            WAIT,
            () -> lifecycleSplit(admin, harness));
        String job = "split-job";
        // The owner of partition 0 folds and caches the submission.
        String submitted =
            send(harness, 0, job, "job.submitted", T0, Map.of("job_id", job, "service", "blast"));
        harness.awaitStored(submitted);
        // The owner of partition 1 reads it from the database and folds the run onto it.
        String started =
            send(
                harness,
                1,
                job,
                "job.started",
                T0.plusSeconds(60),
                Map.of("job_id", job, "runner", "slurm", "attempt", 1));
        String finished =
            send(
                harness,
                1,
                job,
                "job.finished",
                T0.plusSeconds(120),
                Map.of("job_id", job, "attempt", 1, "exit_code", 0));
        harness.awaitStored(started, finished);
        assertThat(harness.job(job).get("state")).isEqualTo("succeeded");
        // The owner of partition 0 must not fold this onto its cached submission alone.
        String queued =
            send(
                harness,
                0,
                job,
                "job.queued",
                T0.plusSeconds(30),
                Map.of("job_id", job, "attempt", 1));
        harness.awaitStored(queued);

        Map<String, Object> row = harness.job(job);
        assertThat(row.get("state"))
            .as("submitted, queued, started, finished(0) fold to succeeded")
            .isEqualTo("succeeded");
        assertThat(row.get("exit_code")).isEqualTo(0);
        assertThat(
                harness.rows(
                    "SELECT outcome FROM job_events WHERE job_id = :p0 ORDER BY event_time", job))
            .extracting(outcome -> outcome.get("outcome"))
            .containsExactly("applied", "applied", "applied", "applied");
        assertThat(harness.row("SELECT folded FROM job_fold_state WHERE job_id = :p0", job))
            .containsEntry("folded", 4L);
        assertThat(harness.count("SELECT count(*) FROM dead_letters"))
            .as("a conflict is no record's fault")
            .isZero();
      } finally {
        first.close();
        second.close();
      }
    }
  }

  @Test
  @DisplayName(
      "Storing fold states is a compare-and-set: a stale expected count, a state stored meanwhile"
          + " for a new job, or a concurrent writer that commits first is a conflict, not a write")
  void foldStateStoreIsACompareAndSet(Infra infra) throws Exception {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 2))) {
      database.migrate();
      JobFoldState submitted = fold(Events.submitted("s", 0));
      JobFoldState run =
          fold(
              Events.submitted("s", 0),
              Events.started("r", 60, 1),
              Events.finished("f", 120, 1, 0));
      JobFoldState queued = fold(Events.submitted("s", 0), Events.queued("q", 30));

      // A new job: stored. Storing it again as new conflicts and leaves it alone.
      FoldStateTable.Stored created =
          database
              .jdbi()
              .inTransaction(handle -> store(handle, submitted, null, Set.of(Events.JOB)));
      assertThat(created.conflicts()).isEmpty();
      assertThat(created.firstStored()).containsKey(Events.JOB);
      FoldStateTable.Stored insertedTwice =
          database.jdbi().inTransaction(handle -> store(handle, queued, null, Set.of(Events.JOB)));
      assertThat(insertedTwice.conflicts()).containsExactly(Events.JOB);
      assertThat(storedFolded(database)).isEqualTo(1L);

      // Replacing the stored state it started from (1 event): written.
      FoldStateTable.Stored replaced =
          database.jdbi().inTransaction(handle -> store(handle, run, 1L, Set.of()));
      assertThat(replaced.conflicts()).isEmpty();
      assertThat(storedFolded(database)).isEqualTo(3L);

      // A fold that started from the state before that (a stale cache): a conflict.
      FoldStateTable.Stored stale =
          database.jdbi().inTransaction(handle -> store(handle, queued, 1L, Set.of()));
      assertThat(stale.conflicts()).containsExactly(Events.JOB);
      assertThat(storedFolded(database)).isEqualTo(3L);

      // Two transactions read the same state (3 events); the second waits for the first's row
      // lock, then finds the state the first committed (READ COMMITTED re-checks it): a conflict.
      JobFoldState four =
          fold(
              Events.submitted("s", 0),
              Events.queued("q", 30),
              Events.started("r", 60, 1),
              Events.finished("f", 120, 1, 0));
      CountDownLatch firstWrote = new CountDownLatch(1);
      CountDownLatch secondStarted = new CountDownLatch(1);
      CompletableFuture<FoldStateTable.Stored> firstWriter =
          CompletableFuture.supplyAsync(
              () ->
                  database
                      .jdbi()
                      .inTransaction(
                          handle -> {
                            FoldStateTable.Stored stored = store(handle, four, 3L, Set.of());
                            firstWrote.countDown();
                            pause(secondStarted);
                            return stored;
                          }));
      assertThat(firstWrote.await(60, TimeUnit.SECONDS)).isTrue();
      FoldStateTable.Stored second =
          database
              .jdbi()
              .inTransaction(
                  handle -> {
                    secondStarted.countDown();
                    return store(handle, four, 3L, Set.of());
                  });
      assertThat(firstWriter.get(60, TimeUnit.SECONDS).conflicts()).isEmpty();
      assertThat(second.conflicts()).containsExactly(Events.JOB);
      assertThat(storedFolded(database)).isEqualTo(4L);
    }
  }

  /** Waits for {@code started}, then a moment more: the other writer waits for the row lock. */
  private static void pause(CountDownLatch started) {
    try {
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static JobFoldState fold(io.jobwatch.core.JobEvent... events) {
    return JobFold.foldAll(Events.JOB, List.of(events)).state();
  }

  private static FoldStateTable.Stored store(
      Handle handle, JobFoldState state, Long expected, Set<String> fresh) {
    Map<String, Long> expectedFolded = new HashMap<>();
    if (expected != null) {
      expectedFolded.put(state.jobId(), expected);
    }
    return FoldStateTable.store(handle, List.of(state), expectedFolded, fresh);
  }

  private static long storedFolded(Database database) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT folded FROM job_fold_state WHERE job_id = :job")
                    .bind("job", Events.JOB)
                    .mapTo(Long.class)
                    .one());
  }

  private static Admin admin(Harness harness) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap());
    return Admin.create(properties);
  }

  private static boolean lifecycleSplit(Admin admin, Harness harness) {
    try {
      ConsumerGroupDescription group =
          admin.describeConsumerGroups(List.of(harness.group)).all().get().get(harness.group);
      Collection<MemberDescription> members = group.members();
      if (group.state() != ConsumerGroupState.STABLE || members.size() != 2) {
        return false;
      }
      Map<Integer, String> owners = new HashMap<>();
      for (MemberDescription member : members) {
        for (TopicPartition partition : member.assignment().topicPartitions()) {
          if (partition.topic().equals(harness.lifecycle)) {
            owners.put(partition.partition(), member.consumerId());
          }
        }
      }
      return owners.size() == 2 && !owners.get(0).equals(owners.get(1));
    } catch (Exception e) {
      return false;
    }
  }

  /** Publishes a lifecycle event keyed by {@code key} to an explicit partition; returns its id. */
  private static String send(
      Harness harness,
      int partition,
      String key,
      String type,
      Instant time,
      Map<String, Object> data) {
    String id = UUID.randomUUID().toString();
    harness
        .producer()
        .send(
            new ProducerRecord<>(
                harness.lifecycle,
                partition,
                key.getBytes(StandardCharsets.UTF_8),
                Envelopes.event(id, type, time, Envelopes.json(data))
                    .getBytes(StandardCharsets.UTF_8)));
    return id;
  }
}
