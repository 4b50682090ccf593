package io.jobwatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The exporter lease between two instances on a real PostgreSQL: a holder that goes silent is ended
 * by the server at the deadline it set itself, and a live holder keeps the lease however slow its
 * reads and whatever the other instance's refresh period.
 */
@WithInfra
class ExporterLeaseIT {
  /** A fresh, migrated database; each instance opens its own pool on it (also MonitorRefreshIT). */
  static DbConfig migrated(Infra infra) {
    io.jobwatch.testing.Database database = infra.newDatabase();
    DbConfig config = new DbConfig(database.jdbcUrl(), database.user(), database.password(), 4);
    try (Database migrating = Database.open(config)) {
      migrating.migrate();
    }
    return config;
  }

  /** Two instances on one database: each its own pool and lease, the holder's taken first. */
  private record Instances(
      Database first, Database second, ExporterLease holder, ExporterLease standby)
      implements AutoCloseable {
    static Instances open(Infra infra, Duration holderSilence, Duration standbySilence) {
      DbConfig config = migrated(infra);
      Database first = Database.open(config);
      Database second = Database.open(config);
      return new Instances(
          first,
          second,
          new ExporterLease(first, holderSilence),
          new ExporterLease(second, standbySilence));
    }

    @Override
    public void close() {
      holder.close();
      standby.close();
      first.close();
      second.close();
    }
  }

  /** Calls {@code lease.acquire()} until {@code until}; whether it ever returned true. */
  private static boolean everAcquired(ExporterLease lease, Instant until) throws Exception {
    boolean acquired = false;
    while (Instant.now().isBefore(until)) {
      acquired |= lease.acquire();
      Thread.sleep(200);
    }
    return acquired;
  }

  @Test
  @DisplayName(
      "A holder that stops answering (its machine died) is ended by PostgreSQL at its own deadline;"
          + " the other instance takes the lease, and the former holder concedes at once")
  void silentHolderIsEndedAtItsDeadline(Infra infra) throws Exception {
    try (Instances instances =
        Instances.open(infra, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
      ExporterLease holder = instances.holder();
      ExporterLease standby = instances.standby();
      assertThat(holder.acquire()).isTrue();
      assertThat(standby.acquire()).isFalse();

      // The holder says nothing from here on, as a dead machine would.
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      boolean taken = false;
      while (!taken && Instant.now().isBefore(deadline)) {
        Thread.sleep(250);
        taken = standby.acquire();
      }
      assertThat(taken).as("the standby took the silent holder's lease").isTrue();
      assertThat(holder.acquire()).as("the former holder concedes, no exception").isFalse();
      assertThat(standby.acquire()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "A live holder whose read takes longer than its silence keeps the lease: it reads on the"
          + " lease's own session, which is busy, not idle")
  void slowReadKeepsTheLease(Infra infra) throws Exception {
    // The read must start within the holder's silence of its acquire (the session is idle in
    // between): 2 s, on a thread of its own (the common pool has one thread on two cores, which
    // another task may hold), leaves a loaded machine room for that; the read (6 s) and the
    // standby's attempts (5 s) are still longer than the silence.
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (Instances instances =
        Instances.open(infra, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
      ExporterLease holder = instances.holder();
      ExporterLease standby = instances.standby();
      assertThat(holder.acquire()).isTrue();
      CompletableFuture<Integer> read =
          CompletableFuture.supplyAsync(
              () ->
                  holder.inTransaction(
                      handle ->
                          handle
                              .createQuery("SELECT 1 FROM pg_sleep(6)")
                              .mapTo(Integer.class)
                              .one()),
              reader);

      assertThat(everAcquired(standby, Instant.now().plus(Duration.ofSeconds(5))))
          .as("the standby took the lease during the holder's read")
          .isFalse();
      assertThat(read.get()).isEqualTo(1);
      assertThat(holder.acquire()).isTrue();
      assertThat(standby.acquire()).isFalse();
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "A holder refreshing every 3 s keeps the lease against an instance whose own silence is 1 s:"
          + " each holder's deadline is its own")
  void holderWithALongerPeriodKeepsTheLease(Infra infra) throws Exception {
    try (Instances instances =
        Instances.open(infra, Duration.ofSeconds(10), Duration.ofSeconds(1))) {
      ExporterLease holder = instances.holder();
      ExporterLease standby = instances.standby();
      assertThat(holder.acquire()).isTrue();
      Instant until = Instant.now().plus(Duration.ofSeconds(9));
      boolean standbyExported = false;
      while (Instant.now().isBefore(until)) {
        standbyExported |= everAcquired(standby, Instant.now().plus(Duration.ofSeconds(3)));
        assertThat(holder.acquire()).as("the holder keeps the lease").isTrue();
      }
      assertThat(standbyExported).isFalse();
    }
  }
}
