package io.jobwatch.metrics;

import io.jobwatch.core.job.BatchPlanner;
import io.jobwatch.kafka.PipelineListener;
import io.jobwatch.pipeline.BatchResult;
import io.jobwatch.pipeline.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The meters of the pipeline itself: events by topic and outcome, batch size, write and commit
 * latency, end-to-end delay from event time to commit, lag per partition, readiness, the time of
 * the last successful poll and commit, the time a broker last answered (a broker outage, which
 * polls do not show), and the Kafka client's own metrics (connections, heartbeats, fetches) while a
 * consumer runs. Every instance exports these. Thread-safe.
 */
public final class PipelineMetrics implements MeterBinder, PipelineListener {
  private final Clock clock;
  private final AtomicInteger ready = new AtomicInteger();
  private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<String, Counter> events = new ConcurrentHashMap<>();
  private volatile MeterRegistry registry;
  private DistributionSummary batchSize;
  private Timer writeTime;
  private Timer commitTime;

  /**
   * Delays are recorded up to this: an event stamped centuries ago (the contract allows year 1)
   * would overflow the timer's nanoseconds.
   */
  private static final Duration MAX_DELAY = Duration.ofDays(36_500);

  private Timer delay;
  private Timer decodeTime;
  private Timer decodeWait;
  private volatile LongConsumer delayTap;

  private final java.util.List<String> topics;
  private final AtomicLong lastPollMillis = new AtomicLong();
  private final AtomicLong lastCommitMillis = new AtomicLong();
  private final AtomicLong lastBrokerResponseMillis = new AtomicLong();
  private KafkaClientMetrics kafkaMetrics;
  private volatile BrokerResponses brokerResponses;

  public PipelineMetrics(Clock clock, java.util.List<String> topics) {
    this.clock = clock;
    this.topics = java.util.List.copyOf(topics);
    // Counted from the start, so that a consumer that never polls shows as stalled, not as 1970.
    long started = clock.millis();
    lastPollMillis.set(started);
    lastCommitMillis.set(started);
    lastBrokerResponseMillis.set(started);
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    this.registry = meters;
    for (BatchPlanner.Refold from : BatchPlanner.Refold.values()) {
      refolds(from);
    }
    Gauge.builder("jobwatch.ready", ready, AtomicInteger::get)
        .description("1 while consuming with the database reachable, else 0")
        .register(meters);
    batchSize =
        DistributionSummary.builder("jobwatch.batch.size")
            .description("Records per committed batch")
            .baseUnit("records")
            .serviceLevelObjectives(1, 10, 100, 500, 1000, 2000, 5000)
            .register(meters);
    writeTime =
        Timer.builder("jobwatch.batch.write")
            .description("Time to decode-fold-write a batch inside its transaction")
            .publishPercentileHistogram()
            .register(meters);
    commitTime =
        Timer.builder("jobwatch.batch.commit")
            .description("Time to commit a batch's transaction")
            .publishPercentileHistogram()
            .register(meters);
    delay =
        Timer.builder("jobwatch.event.delay")
            .description("End-to-end delay from an event's time to the commit that applied it")
            .publishPercentileHistogram()
            // Issue 12.4: exact bucket bounds at the delays alerting cares about, besides the
            // percentile histogram's own (about a third apart: 1.1 s, 1.4 s, ...).
            .serviceLevelObjectives(
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(200),
                Duration.ofMillis(300),
                Duration.ofMillis(500),
                Duration.ofMillis(750),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(meters);
    // Issue 12.3: decoding runs on its own thread, overlapping the write of the batch before.
    decodeTime =
        Timer.builder("jobwatch.batch.decode")
            .description("Time to decode and validate one poll's records (decoding thread)")
            .publishPercentileHistogram()
            .register(meters);
    decodeWait =
        Timer.builder("jobwatch.batch.decode.wait")
            .description(
                "Time the consumer thread waited for a batch's decoding after writing the one"
                    + " before (0 when decoding was hidden behind the write)")
            .publishPercentileHistogram()
            .register(meters);
    // The clock every *_timestamp_seconds gauge is read by, at the scrape: an age computed from
    // it and those gauges does not depend on Prometheus's clock agreeing with this host's, and
    // compared with the sample's own timestamp it shows how far the two disagree (the rules'
    // jobwatch:*_age_seconds and JobwatchClockSkew).
    Gauge.builder("jobwatch.clock", clock, c -> c.millis() / 1000.0)
        .description(
            "This instance's wall clock when scraped, the clock of the *_timestamp_seconds gauges")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("jobwatch.last.poll.timestamp", lastPollMillis, m -> m.get() / 1000.0)
        .description("When a poll of Kafka last returned without error (process start before)")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("jobwatch.last.commit.timestamp", lastCommitMillis, m -> m.get() / 1000.0)
        .description("When a batch was last committed to the database (process start before)")
        .baseUnit("seconds")
        .register(meters);
    // Issue 10.4: poll() returns normally while the broker is away, and the client's heartbeat
    // age does not reliably grow then; a response read from any broker is the honest signal.
    Gauge.builder(
            "jobwatch.kafka.last.response.timestamp",
            lastBrokerResponseMillis,
            m -> m.get() / 1000.0)
        .description(
            "When a Kafka broker last answered this instance's consumer (process start before)")
        .baseUnit("seconds")
        .register(meters);
    for (String topic : topics) {
      for (Outcome outcome : Outcome.values()) {
        events(topic, outcome);
      }
      lostCounter(topic);
    }
  }

  private Counter lostCounter(String topic) {
    return Counter.builder("jobwatch.records.lost")
        .description(
            "Offsets Kafka deleted (retention) before jobwatch read them; transaction markers"
                + " among them count too")
        .tags(Tags.of("topic", topic))
        .register(registry);
  }

  @Override
  public void lost(TopicPartition partition, long offsets) {
    lostCounter(partition.topic()).increment(offsets);
  }

  @Override
  public synchronized void consumerStarted(Consumer<?, ?> consumer) {
    closeKafkaMetrics();
    kafkaMetrics = new KafkaClientMetrics(consumer);
    kafkaMetrics.bindTo(registry);
    brokerResponses = new BrokerResponses(consumer);
  }

  @Override
  public synchronized void consumerClosing(Consumer<?, ?> consumer) {
    brokerResponses = null;
    closeKafkaMetrics();
  }

  private void closeKafkaMetrics() {
    if (kafkaMetrics != null) {
      kafkaMetrics.close();
      kafkaMetrics = null;
    }
  }

  @Override
  public void polled(int records) {
    long now = clock.millis();
    lastPollMillis.set(now);
    BrokerResponses responses = brokerResponses;
    if (responses != null && responses.answeredSinceLastAsked()) {
      lastBrokerResponseMillis.set(now);
    }
  }

  /** Issue 11.3: jobs refolded because an event arrived out of fold order, by where it started. */
  private Counter refolds(BatchPlanner.Refold from) {
    return Counter.builder("jobwatch.job.refolds")
        .description("Jobs refolded for an out-of-order event, from a snapshot or from the start")
        .tags(Tags.of("from", from.tag()))
        .register(registry);
  }

  private Counter events(String topic, Outcome outcome) {
    return events.computeIfAbsent(
        topic + "\u0000" + outcome.wireName(),
        key ->
            Counter.builder("jobwatch.events")
                .description("Consumed records by topic and outcome")
                .baseUnit("events")
                .tags(Tags.of("topic", topic, "outcome", outcome.wireName()))
                .register(registry));
  }

  @Override
  public void committed(BatchResult result, int records, Duration write, Duration commit) {
    result
        .outcomes()
        .forEach((topic, byOutcome) -> byOutcome.forEach((o, n) -> events(topic, o).increment(n)));
    result.refolds().forEach((from, jobs) -> refolds(from).increment(jobs));
    lastCommitMillis.set(clock.millis());
    batchSize.record(records);
    writeTime.record(write);
    commitTime.record(commit);
    Instant now = clock.instant();
    LongConsumer tap = delayTap;
    for (Instant eventTime : result.appliedEventTimes()) {
      Duration age = Duration.between(eventTime, now);
      Duration recorded =
          age.isNegative() ? Duration.ZERO : age.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : age;
      delay.record(recorded);
      if (tap != null) {
        tap.accept(recorded.toMillis());
      }
    }
  }

  @Override
  public void decoded(int records, Duration time) {
    decodeTime.record(time);
  }

  @Override
  public void decodeAwaited(Duration time) {
    decodeWait.record(time);
  }

  /**
   * Also hands every applied event's delay (ms, as recorded in {@code jobwatch.event.delay}) to
   * {@code tap}, on the consumer thread right after the commit: the benchmark keeps the raw values
   * rather than the histogram's bucket bounds. Null removes it.
   */
  public void tapDelays(LongConsumer tap) {
    this.delayTap = tap;
  }

  @Override
  public void readiness(boolean isReady) {
    ready.set(isReady ? 1 : 0);
  }

  @Override
  public void lag(Map<TopicPartition, Long> lagByPartition) {
    lagByPartition.forEach(
        (partition, records) -> lag.computeIfAbsent(partition, this::registerLag).set(records));
  }

  private AtomicLong registerLag(TopicPartition partition) {
    AtomicLong value = new AtomicLong();
    Gauge.builder("jobwatch.consumer.lag", value, AtomicLong::get)
        .description("Records not yet consumed, per assigned partition")
        .tags("topic", partition.topic(), "partition", Integer.toString(partition.partition()))
        .register(registry);
    return value;
  }

  @Override
  public void released(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      if (lag.remove(partition) != null) {
        registry
            .find("jobwatch.consumer.lag")
            .tags("topic", partition.topic(), "partition", Integer.toString(partition.partition()))
            .meters()
            .forEach(registry::remove);
      }
    }
  }

  /** An event's time ran too far ahead of its record timestamp and was bounded (issue 9). */
  public void clockSkewed(String topic) {
    Counter.builder("jobwatch.clock.skew.events")
        .description("Events folded at their record timestamp because their time ran too far ahead")
        .baseUnit("events")
        .tags(Tags.of("topic", topic))
        .register(registry)
        .increment();
  }

  /** How many events of a topic ended with an outcome, as counted by this process. */
  public double count(String topic, Outcome outcome) {
    Counter counter = events.get(topic + "\u0000" + outcome.wireName());
    return counter == null ? 0 : counter.count();
  }
}
