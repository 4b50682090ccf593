package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Batches compressed by librdkafka, as kcat ({@code -z}) and confluent-kafka Python ({@code
 * compression.type}) send them, with every codec the broker accepts.
 */
@WithInfra
class LibrdkafkaCompressionIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final List<String> CODECS = List.of("gzip", "snappy", "lz4", "zstd");

  private static final String PRODUCER =
      """
      import sys
      from confluent_kafka import Producer
      producer = Producer({"bootstrap.servers": sys.argv[1], "acks": "all",
                           "compression.type": sys.argv[3], "linger.ms": 50,
                           "partitioner": "murmur2_random"})
      for line in sys.stdin.read().splitlines():
          key, value = line.split("|", 1)
          producer.produce(sys.argv[2], key=key, value=value)
      if producer.flush(10) > 0:
          sys.exit("not acknowledged")
      """;

  @Test
  @DisplayName("kcat -z and confluent-kafka's compression.type: gzip, snappy, lz4, zstd are read")
  void librdkafkaCompressedBatchesAreRead(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      List<String> ids = new ArrayList<>();
      for (String codec : CODECS) {
        for (String client : List.of("kcat", "python")) {
          String job = client + "-" + codec;
          StringBuilder lines = new StringBuilder();
          lines.append(line(ids, job, "job.submitted", 0, "\"service\":\"blast\""));
          lines.append(line(ids, job, "job.started", 1, "\"runner\":\"slurm\",\"attempt\":1"));
          List<String> command =
              client.equals("kcat")
                  ? List.of(
                      "kcat",
                      "-P",
                      "-b",
                      harness.infra.kafkaBootstrap(),
                      "-t",
                      harness.lifecycle,
                      "-K|",
                      "-z",
                      codec,
                      "-X",
                      "acks=all")
                  : List.of(
                      "/usr/bin/python3",
                      "-c",
                      PRODUCER,
                      harness.infra.kafkaBootstrap(),
                      harness.lifecycle,
                      codec);
          assertThat(Harness.runWithInput(command, lines.toString()))
              .as("%s %s", client, codec)
              .isZero();
        }
      }
      harness.awaitStored(ids.toArray(String[]::new));
      harness.awaitCounted(app, ids.size());
      for (String codec : CODECS) {
        for (String client : List.of("kcat", "python")) {
          Map<String, Object> row = harness.job(client + "-" + codec);
          assertThat(row.get("state")).as("%s %s", client, codec).isEqualTo("running");
          assertThat(row.get("runner")).isEqualTo("slurm");
        }
      }
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(
              scrape.value(
                  "jobwatch_events_total", "topic", harness.lifecycle, "outcome", "applied"))
          .isEqualTo(ids.size());
    }
  }

  private static String line(List<String> ids, String job, String type, int second, String data) {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return job
        + "|"
        + Envelopes.event(
            id, type, T0.plusSeconds(second), "{\"job_id\":\"" + job + "\"," + data + "}")
        + "\n";
  }
}
