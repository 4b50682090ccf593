package io.jobwatch.bench;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import io.micrometer.core.instrument.DistributionSummary;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * jobwatch as shipped ({@link JobwatchApp}), measured from outside: progress from its stored
 * offsets, the end-to-end delay per applied event as its own {@code jobwatch.event.delay} records
 * it (raw values through {@code PipelineMetrics.tapDelays}), and SQL statements per batch from a
 * Jdbi {@link SqlLogger} counting the consumer thread's statements. Thread-safe.
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
    if (config.paced()) {
      // Every applied event's delay as jobwatch.event.delay records it, but the raw value in ms
      // rather than the histogram's bucket bound (paced runs only: throughput runs pay nothing).
      app.pipelineMetrics().tapDelays(Delays.process()::record);
    }
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
    // Issue 12.3: decoding (its own thread) against the transaction (consumer thread), and how
    // long the consumer thread waited for decoding that the write did not hide.
    extras.put("decodeSeconds", seconds("jobwatch.batch.decode"));
    extras.put("writeSeconds", seconds("jobwatch.batch.write"));
    extras.put("commitSeconds", seconds("jobwatch.batch.commit"));
    extras.put("decodeWaitSeconds", seconds("jobwatch.batch.decode.wait"));
    extras.putAll(ThreadCpu.snapshot());
    extras.put(
        "batchWriteMeanMillis",
        app.registry().get("jobwatch.batch.write").timer().mean(TimeUnit.MILLISECONDS));
    return extras;
  }

  private double seconds(String timer) {
    return app.registry().get(timer).timer().totalTime(TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    app.close();
  }
}
