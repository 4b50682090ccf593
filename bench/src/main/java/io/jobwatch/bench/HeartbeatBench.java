package io.jobwatch.bench;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Issue 11.3's benchmark ({@code jobwatch bench --heartbeats}): the same number of events as
 * heartbeats of one job, and spread over many jobs (submitted, started, then heartbeats), each
 * published before jobwatch starts on a fresh topic, database and group, timed in process from the
 * first stored event to the last. Each scenario runs {@code rounds} times, alternating. Not
 * thread-safe.
 */
final class HeartbeatBench {
  private static final Instant T0 = Instant.now().minus(Duration.ofDays(1));

  private final BenchInfra infra;
  private final long events;
  private final int spreadJobs;
  private final int rounds;
  private final PrintStream out;

  HeartbeatBench(BenchInfra infra, long events, int spreadJobs, int rounds, PrintStream out) {
    this.infra = infra;
    this.events = events;
    this.spreadJobs = spreadJobs;
    this.rounds = rounds;
    this.out = out;
  }

  /**
   * Runs the rounds; returns the ratio of the medians (heartbeats of one job / spread), the upper
   * median for an even number of rounds (with two rounds: the slower run of each scenario).
   */
  double run() {
    List<Duration> oneJob = new ArrayList<>();
    List<Duration> spread = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      oneJob.add(time("one-job", 1));
      spread.add(time("spread", spreadJobs));
      out.printf(
          Locale.ROOT,
          "round %d: %,d heartbeats of 1 job %.2f s, %,d events over %,d jobs %.2f s%n",
          round,
          events,
          seconds(oneJob.get(round - 1)),
          events,
          spreadJobs,
          seconds(spread.get(round - 1)));
    }
    double ratio = seconds(median(oneJob)) / seconds(median(spread));
    out.printf(
        Locale.ROOT, "ratio of the (upper) medians (1 job / %,d jobs): %.2f%n", spreadJobs, ratio);
    return ratio;
  }

  private Duration time(String name, int jobs) {
    List<String> topics = infra.newTopics(1);
    String url = infra.newDatabase("heartbeats");
    publish(topics.get(0), name, jobs);
    Settings settings =
        Settings.fromEnvironment(Map.of())
            .with(
                infra.bootstrap(),
                new DbConfig(url, infra.user(), infra.password(), 4),
                "bench-" + name + "-" + UUID.randomUUID(),
                0)
            .withTopics(topics.get(0), topics.get(1));
    JobwatchApp app = JobwatchApp.start(settings, Clock.systemUTC());
    try {
      long first = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (System.nanoTime() < deadline) {
        long stored = infra.count(url, "SELECT count(*) FROM job_events");
        if (stored > 0 && first == 0) {
          first = System.nanoTime();
        }
        if (stored >= events) {
          return Duration.ofNanos(System.nanoTime() - first);
        }
        sleep();
      }
      throw new IllegalStateException(name + ": jobwatch did not store " + events + " events");
    } finally {
      app.close();
    }
  }

  /** Per job: submitted, started, then heartbeats, until {@code events} in all. */
  private void publish(String topic, String name, int jobs) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrap());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
      long perJob = events / jobs;
      for (int job = 0; job < jobs; job++) {
        String jobId = name + "-" + job;
        for (long i = 0; i < perJob; i++) {
          Instant time = T0.plusMillis(10 * i);
          String value = envelope(jobId, i, time);
          producer.send(
              new ProducerRecord<>(
                  topic,
                  jobId.getBytes(StandardCharsets.UTF_8),
                  value.getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  private static String envelope(String jobId, long index, Instant time) {
    String type;
    String data;
    if (index == 0) {
      type = "job.submitted";
      data = "{\"job_id\":\"" + jobId + "\",\"service\":\"bench\"}";
    } else if (index == 1) {
      type = "job.started";
      data = "{\"job_id\":\"" + jobId + "\",\"runner\":\"slurm\",\"attempt\":1}";
    } else {
      type = "job.status";
      data = "{\"job_id\":\"" + jobId + "\",\"attempt\":1,\"activity\":\"step " + index + "\"}";
    }
    return "{\"specversion\":\"1.0\",\"id\":\""
        + UUID.randomUUID()
        + "\",\"source\":\"/bench/heartbeats\",\"type\":\""
        + type
        + "\",\"time\":\""
        + time
        + "\",\"datacontenttype\":\"application/json\",\"data\":"
        + data
        + "}";
  }

  private static Duration median(List<Duration> durations) {
    List<Duration> sorted = new ArrayList<>(durations);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for jobwatch", e);
    }
  }
}
