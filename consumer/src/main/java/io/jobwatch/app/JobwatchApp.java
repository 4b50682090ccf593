package io.jobwatch.app;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.jobwatch.config.Settings;
import io.jobwatch.contract.DecoderLimits;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.ClockSkew;
import io.jobwatch.http.HttpEndpoint;
import io.jobwatch.kafka.ConsumerLoop;
import io.jobwatch.kafka.KafkaRecordDecoder;
import io.jobwatch.metrics.KafkaMeterFilter;
import io.jobwatch.metrics.LabelLimiter;
import io.jobwatch.metrics.PipelineMetrics;
import io.jobwatch.metrics.StateMetrics;
import io.jobwatch.metrics.TableSizeMetrics;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.MonitorsWriter;
import io.jobwatch.store.Database;
import io.jobwatch.store.DependencySettingsTable;
import io.jobwatch.store.LoggableErrors;
import io.jobwatch.store.Retention;
import io.jobwatch.store.RetentionSchedule;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires settings, database, consumer loop, metrics and the HTTP endpoint of
 * one jobwatch process. {@link #start} migrates the schema, then consumes on its own thread until
 * {@link #close}. Thread-safe.
 */
public final class JobwatchApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobwatchApp.class);

  /**
   * Binder meters whose Prometheus names {@code promtool check metrics} rejects (an abbreviated
   * unit in process_cpu_time_ns_total, a _count suffix on the gauge system_cpu_count); CI lints the
   * scrape, and process_cpu_usage and system_cpu_usage remain.
   */
  private static final Set<String> LINT_FAILURES = Set.of("process.cpu.time", "system.cpu.count");

  private final Settings settings;
  private final PrometheusMeterRegistry registry;
  private final Database database;
  private final ConsumerLoop loop;
  private final Thread loopThread;
  private final StateRefresh stateRefresh;
  private final ScheduledExecutorService scheduler;
  private final HttpEndpoint http;
  private final PipelineMetrics pipelineMetrics;
  private final RetentionSchedule retention; // issue 11
  private boolean closed;

  private JobwatchApp(Settings settings, Clock clock) {
    this.settings = settings;
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(id -> LINT_FAILURES.contains(id.getName())));
    registry.config().meterFilter(new KafkaMeterFilter());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    database = Database.open(settings.db(), settings.asyncCommit());
    ((HikariDataSource) database.dataSource())
        .setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    LOG.info("starting with {}", settings);
    int migrations = database.migrate();
    LOG.info("schema ready ({} migrations applied now)", migrations);
    database.whileRefusedForNow(
        "storing JOBWATCH_STUCK_AFTER",
        () ->
            database
                .jdbi()
                .withHandle(
                    handle -> {
                      DependencySettingsTable.write(handle, settings.stuckAfter());
                      return null;
                    }));
    // Issue 11: after an outage longer than the partitions ahead, today's partition before the
    // first event, not after (docs/operators.md, "Retention").
    try {
      Retention.createPartitionsAhead(database.jdbi(), settings.retention(), clock.instant());
    } catch (RuntimeException e) {
      // Never a failed start: the retention passes create them too.
      LOG.warn(
          "could not create the job_events partitions ahead at start; the retention pass will: {}",
          LoggableErrors.describe(e));
    }
    EventDecoder decoder =
        new EventDecoder(
            new DecoderLimits(settings.maxRecordBytes(), settings.maxNestingDepth()),
            settings.validation());
    pipelineMetrics =
        new PipelineMetrics(clock, List.of(settings.lifecycleTopic(), settings.errorsTopic()));
    pipelineMetrics.bindTo(registry);
    BatchWriter writer =
        new BatchWriter(
            settings.stagePolicy(),
            decoder::decodeStored,
            new MonitorsWriter(),
            settings.maxDeadLetterBytes());
    KafkaRecordDecoder recordDecoder =
        new KafkaRecordDecoder(
            decoder, new ClockSkew(settings.maxClockSkew()), pipelineMetrics::clockSkewed);
    loop = new ConsumerLoop(settings, database, writer, recordDecoder, pipelineMetrics, clock);
    loopThread = new Thread(loop, "jobwatch-consumer");
    StateMetrics stateMetrics =
        new StateMetrics(
            new LabelLimiter(settings.maxLabelValues(), settings.labelTtl(), registry, clock),
            settings.stagePolicy());
    stateMetrics.bindTo(registry);
    stateRefresh = new StateRefresh(database, stateMetrics, clock, settings.stateRefresh());
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "jobwatch-state");
              thread.setDaemon(true);
              return thread;
            });
    http =
        HttpEndpoint.start(
            settings.httpBind(), settings.httpPort(), registry, loopThread::isAlive, loop::isReady);
    // Issue 11: table sizes for retention, and the retention pass itself.
    new TableSizeMetrics(database.jdbi(), clock).bindTo(registry);
    retention = RetentionSchedule.start(database.jdbi(), settings.retention(), clock);
  }

  /** Migrates the schema, starts consuming, exporting and serving HTTP. */
  public static JobwatchApp start(Settings settings, Clock clock) {
    JobwatchApp app = new JobwatchApp(settings, clock);
    app.loopThread.start();
    long refresh = app.settings.stateRefresh().toMillis();
    app.scheduler.scheduleWithFixedDelay(
        app.stateRefresh::refresh, 0, refresh, TimeUnit.MILLISECONDS);
    LOG.info(
        "consuming {} and {}; HTTP on port {}",
        settings.lifecycleTopic(),
        settings.errorsTopic(),
        app.http.port());
    return app;
  }

  public int httpPort() {
    return http.port();
  }

  public boolean isReady() {
    return loop.isReady();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public PipelineMetrics pipelineMetrics() {
    return pipelineMetrics;
  }

  public Database database() {
    return database;
  }

  /** Exports the database-derived metrics now rather than at the next refresh (tests, CLI). */
  public void refreshState() {
    stateRefresh.refresh();
  }

  /** Whether the consumer thread ended on an error (then the process should exit non-zero). */
  public boolean consumerFailed() {
    return loop.failure() != null;
  }

  /** Blocks until the consumer thread ends (after {@link #close} or a fatal error). */
  public void awaitTermination() throws InterruptedException {
    loopThread.join();
  }

  /** Finishes the batch in flight, commits, and releases everything; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.stop();
    try {
      if (!loop.awaitFinished(Duration.ofSeconds(30))) {
        LOG.warn("the consumer did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    stateRefresh.close();
    retention.close();
    http.close();
    database.close();
    registry.close();
  }
}
