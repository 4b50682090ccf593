package io.jobwatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.metrics.DatabaseState;
import io.jobwatch.pipeline.MonitorsWriter;
import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The lease holder's monitor refresh against a batch of another instance on a real PostgreSQL: the
 * refresh reads every monitor without locking it, so a batch may commit a fresher state of a
 * monitor between the refresh's read and its write.
 */
@WithInfra
class MonitorRefreshIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant LATER = T0.plus(Duration.ofHours(2));

  private static MonitorEvent event(String monitor, Instant time, MonitorChange change) {
    return new MonitorEvent(UUID.randomUUID().toString(), time, monitor, change);
  }

  private static MonitorEvent declared(String monitor) {
    return event(
        monitor,
        T0,
        new MonitorChange.Declared(
            "data",
            new MonitorChange.Schedule.Every(Duration.ofHours(1)),
            Duration.ofMinutes(10),
            null));
  }

  private static String status(Database database, String monitor) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT status FROM monitor_status WHERE monitor = :monitor")
                    .bind("monitor", monitor)
                    .mapTo(String.class)
                    .one());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  @DisplayName(
      "A refresh that read a monitor before a batch paused it does not write its stale 'down'"
          + " over the batch's 'paused'; a monitor no batch touched is still re-judged")
  void refreshDoesNotOverwriteWhatABatchCommittedSinceItsRead(Infra infra) throws Exception {
    DbConfig config = ExporterLeaseIT.migrated(infra);
    MonitorsWriter writer = new MonitorsWriter();
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    try (Database consumer = Database.open(config);
        Database exporter = Database.open(config)) {
      consumer
          .jdbi()
          .useTransaction(
              handle ->
                  writer.apply(
                      handle,
                      List.of(declared("nightly"), declared("hourly")),
                      List.of(),
                      Map.of(),
                      T0));
      assertThat(status(consumer, "nightly")).isEqualTo("new");

      try (Handle batch = consumer.jdbi().open()) {
        // A batch of the consumer pauses the monitor, two hours (past its first deadline) later;
        // it holds the row until it commits.
        batch.begin();
        writer.apply(
            batch,
            List.of(event("nightly", LATER, new MonitorChange.Paused())),
            List.of(),
            Map.of(),
            LATER);
        int batchPid = batch.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();

        // The lease holder's refresh at the same instant: it reads the committed, unpaused state
        // (down: its first deadline passed) and then waits for the batch's row to write it.
        CompletableFuture<List<DatabaseState.Monitor>> refresh =
            CompletableFuture.supplyAsync(
                () ->
                    exporter.jdbi().inTransaction(handle -> MonitorRefresh.refresh(handle, LATER)),
                refresher);
        await(
            "the refresh to wait for the batch's lock on the monitor",
            () ->
                refresh.isDone()
                    || exporter
                            .jdbi()
                            .withHandle(
                                handle ->
                                    handle
                                        .createQuery(
                                            "SELECT count(*) FROM pg_stat_activity"
                                                + " WHERE :batch = ANY(pg_blocking_pids(pid))")
                                        .bind("batch", batchPid)
                                        .mapTo(Long.class)
                                        .one())
                        > 0);
        assertThat(refresh).as("the refresh waits for the batch's row").isNotDone();
        batch.commit();
        refresh.get(60, TimeUnit.SECONDS);
      }

      assertThat(status(consumer, "nightly"))
          .as("the batch's evaluation of the paused monitor")
          .isEqualTo("paused");
      assertThat(status(consumer, "hourly"))
          .as("a monitor the batch did not touch is re-judged by the refresh")
          .isEqualTo("down");
    } finally {
      refresher.shutdownNow();
    }
  }
}
