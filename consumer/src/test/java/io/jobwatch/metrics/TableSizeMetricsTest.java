package io.jobwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TableSizeMetricsTest {
  @Test
  @DisplayName(
      "A scrape never reads the table sizes on its own thread: a database that is down or slow"
          + " would hold the HTTP thread (and /healthz behind it) for the connection timeout")
  void scrapeReadsInTheBackground() throws InterruptedException {
    Thread scraper = Thread.currentThread();
    Set<Thread> readers = ConcurrentHashMap.newKeySet();
    CountDownLatch tried = new CountDownLatch(1);
    Jdbi jdbi =
        Jdbi.create(
            () -> {
              readers.add(Thread.currentThread());
              tried.countDown();
              throw new SQLException("the database is down", "08001");
            });
    TableSizeMetrics metrics = new TableSizeMetrics(jdbi, Clock.systemUTC());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);

    double rows = registry.get("jobwatch.table.rows").tag("table", "jobs").gauge().value();

    assertThat(tried.await(30, TimeUnit.SECONDS)).as("a read was started").isTrue();
    assertThat(rows).as("nothing read yet").isNaN();
    assertThat(readers).isNotEmpty().doesNotContain(scraper);
  }
}
