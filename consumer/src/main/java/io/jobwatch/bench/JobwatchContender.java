package io.jobwatch.bench;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * jobwatch as shipped ({@link JobwatchApp}), measured from outside: progress from its stored
 * offsets, the end-to-end delay from its own {@code jobwatch.event.delay} histogram, and SQL
 * statements per batch from a Jdbi {@link SqlLogger} counting the consumer thread's statements.
 * Thread-safe.
 */
final class JobwatchContender implements Contender {
  private static final String CONSUMER_THREAD = "jobwatch-consumer";
  private final AtomicLong statements = new AtomicLong();
  private JobwatchApp app;
  private ChildConfig config;
  private double batchesAtInstall;

  @Override
  public void start(ChildConfig config) {
    this.config = config;
    Settings settings =
        Settings.fromEnvironment(
                Map.of(
                    "JOBWATCH_MAX_POLL_RECORDS", Integer.toString(config.maxPollRecords()),
                    "JOBWATCH_KAFKA_INTERCEPTOR_CLASSES", RecordClock.class.getName()))
            .with(
                config.bootstrap(),
                new DbConfig(config.dbUrl(), config.dbUser(), config.dbPassword(), 4),
                config.group(),
                0)
            .withTopics(config.lifecycleTopic(), config.errorsTopic());
    app = JobwatchApp.start(settings, Clock.systemUTC());
    batchesAtInstall = batches().count();
    app.database()
        .jdbi()
        .setSqlLogger(
            new SqlLogger() {
              @Override
              public void logAfterExecution(StatementContext context) {
                if (CONSUMER_THREAD.equals(Thread.currentThread().getName())) {
                  statements.incrementAndGet();
                }
              }
            });
  }

  private DistributionSummary batches() {
    return app.registry().get("jobwatch.batch.size").summary();
  }

  @Override
  public boolean ready() {
    return app.isReady();
  }

  @Override
  public long handled() {
    return app.database()
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets"
                            + " WHERE group_id = :group")
                    .bind("group", config.group())
                    .mapTo(Long.class)
                    .one());
  }

  @Override
  public LatencyHistogram latency() {
    Timer delay = app.registry().get("jobwatch.event.delay").timer();
    LatencyHistogram histogram = new LatencyHistogram();
    double below = 0;
    for (CountAtBucket bucket : delay.takeSnapshot().histogramCounts()) {
      histogram.record(
          (long) Math.ceil(bucket.bucket(TimeUnit.MILLISECONDS)), (long) (bucket.count() - below));
      below = bucket.count();
    }
    long beyond = delay.count() - (long) below;
    histogram.record((long) delay.max(TimeUnit.MILLISECONDS), beyond);
    return histogram;
  }

  @Override
  public Map<String, Object> extras() {
    DistributionSummary batches = batches();
    double counted = batches.count() - batchesAtInstall;
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("maxPollRecords", config.maxPollRecords());
    extras.put("batches", (long) batches.count());
    extras.put("meanBatchRecords", batches.mean());
    extras.put("sqlStatements", statements.get());
    // Every batch is one transaction: its statements plus the COMMIT round trip.
    extras.put("statementsPerBatch", counted == 0 ? 0 : statements.get() / counted);
    extras.put("roundTripsPerBatch", counted == 0 ? 0 : statements.get() / counted + 1);
    extras.putAll(ThreadCpu.snapshot());
    extras.put(
        "batchWriteMeanMillis",
        app.registry().get("jobwatch.batch.write").timer().mean(TimeUnit.MILLISECONDS));
    return extras;
  }

  @Override
  public void close() {
    app.close();
  }
}
