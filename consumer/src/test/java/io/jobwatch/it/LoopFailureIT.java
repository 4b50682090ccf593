package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.kafka.ConsumerLoop;
import io.jobwatch.kafka.KafkaRecordDecoder;
import io.jobwatch.kafka.PipelineListener;
import io.jobwatch.kafka.RecordDecoder;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.MonitorsWriter;
import io.jobwatch.store.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop ended by an error while a batch it polled was not written (what ends the loop:
 * an OutOfMemoryError, a stack overflow in the write): the stored offsets stay before that batch,
 * so the next start reads it again.
 */
@WithInfra
class LoopFailureIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "A loop that dies on an Error while a polled batch is unwritten stores no offset past it:"
          + " the next start applies the batch")
  void batchUnwrittenWhenTheLoopDiesIsReadAgain(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      Settings settings = harness.settings();
      try (Database database = Database.open(settings.db(), settings.asyncCommit())) {
        database.migrate();
        EventDecoder events = new EventDecoder();
        KafkaRecordDecoder real = new KafkaRecordDecoder(events);
        // The heap runs out while the batch holding "doomed" is decoded.
        RecordDecoder exhausted =
            record -> {
              if (new String(record.value(), StandardCharsets.UTF_8).contains("\"doomed\"")) {
                throw new OutOfMemoryError("test: the heap ran out decoding this batch");
              }
              return real.decode(record);
            };
        ConsumerLoop loop =
            new ConsumerLoop(
                settings,
                database,
                new BatchWriter(settings.stagePolicy(), events::decodeStored, new MonitorsWriter()),
                exhausted,
                PipelineListener.NONE,
                Clock.systemUTC());
        Thread thread = new Thread(loop, "failing-consumer");
        thread.setDaemon(true);
        thread.start();
        try {
          harness.applyLifecycle(
              "job.submitted", T0, Map.of("job_id", "first", "service", "blast")); // offset 0
          harness.lifecycleEvent(
              "job.submitted", T0, Map.of("job_id", "doomed", "service", "blast")); // offset 1
          harness.flush();
          assertThat(loop.awaitFinished(WAIT)).as("the loop ended on the error").isTrue();
        } finally {
          loop.stop();
          loop.awaitFinished(WAIT);
        }
        assertThat(loop.failure()).isInstanceOf(OutOfMemoryError.class);
      }
      assertThat(harness.count("SELECT next_offset FROM consumer_offsets"))
          .as("offset 1 was polled, never applied")
          .isEqualTo(1);
      try (JobwatchApp app = harness.startApp()) {
        Harness.await(
            "the doomed job applied after the restart",
            WAIT,
            () -> harness.count("SELECT count(*) FROM jobs WHERE job_id = 'doomed'") == 1);
        harness.awaitCounted(app, 1);
      }
      assertThat(harness.job("doomed").get("state")).isEqualTo("submitted");
    }
  }
}
