package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobwatch spool flush}, {@code emit} and {@code run} with Kafka away (docs/publishing.md):
 * what they say and what ends up in the spool.
 */
class SpoolCommandTest {
  @TempDir Path dir;

  /** What {@code spool flush} printed and returned, with one record spooled beforehand. */
  private record Flushed(int code, String out, String err) {}

  private Flushed flushOneRecord(String... kafkaSettings) {
    Path spoolDir = dir.resolve("spool");
    new Spool(spoolDir, notice -> {})
        .append(List.of(new OutgoingRecord("jobwatch.lifecycle", "k1", "{\"n\":1}")));
    Map<String, String> environment = new HashMap<>();
    environment.put("JOBWATCH_KAFKA_BOOTSTRAP", "127.0.0.1:1"); // nothing listens: refused
    environment.put("JOBWATCH_SPOOL_DIR", spoolDir.toString());
    for (int i = 0; i < kafkaSettings.length; i += 2) {
      environment.put(kafkaSettings[i], kafkaSettings[i + 1]);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            new String[] {"spool", "flush"},
            environment,
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    return new Flushed(code, out.toString(), err.toString());
  }

  @Test
  void aFlushThatLeavesRecordsSaysWhyTheyWereNotSent() {
    Flushed flushed = flushOneRecord();

    assertThat(flushed.code()).isEqualTo(1);
    assertThat(flushed.out()).contains("sent 0 spooled events, 1 left");
    assertThat(flushed.err())
        .as("the cause, as emit and run name it")
        .contains("Kafka at 127.0.0.1:1 did not acknowledge a record for jobwatch.lifecycle");
  }

  @Test
  void aKafkaSettingTheClientRefusesIsNamedNotOnlyAsAProducerThatCouldNotBeMade() {
    // SASL asked for without a JAAS configuration: the client cannot even be made. The top-level
    // error says only "Failed to construct kafka producer"; the operator needs its root cause.
    Flushed flushed =
        flushOneRecord(
            "JOBWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
            "JOBWATCH_KAFKA_SASL_MECHANISM", "PLAIN");

    assertThat(flushed.code()).isEqualTo(1);
    assertThat(flushed.err())
        .contains("Failed to construct kafka producer")
        .contains("JAAS configuration");
  }

  @Test
  void runWhoseJobCannotBeSubmittedSendsNoLoneFinished() {
    // A monitor name the contract refuses (a space): job.submitted and job.started are invalid,
    // and a job.finished alone would make a job of no service and no monitor, every run.
    Path spoolDir = dir.resolve("spool");
    StringWriter err = new StringWriter();

    int code =
        Main.execute(
            new String[] {"run", "--monitor", "nightly backup", "--", "sh", "-c", "exit 4"},
            Map.of(
                "JOBWATCH_KAFKA_BOOTSTRAP",
                "127.0.0.1:1", // every event sent ends in the spool
                "JOBWATCH_SPOOL_DIR",
                spoolDir.toString()),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));

    assertThat(code).isEqualTo(4);
    assertThat(err.toString())
        .contains("not reporting invalid job.submitted")
        .contains("not reporting job.finished");
    assertThat(new Spool(spoolDir, notice -> {}).read()).isEmpty();
  }

  @Test
  void emitAfterAFailedSpoolFlushNamesTheCauseNotJustUnreachable() {
    Path spoolDir = dir.resolve("spool");
    new Spool(spoolDir, notice -> {})
        .append(List.of(new OutgoingRecord("jobwatch.lifecycle", "k1", "{\"n\":1}")));
    StringWriter err = new StringWriter();

    int code =
        Main.execute(
            new String[] {"emit", "job.submitted", "--job-id", "j-1", "--service", "cron"},
            Map.of(
                "JOBWATCH_KAFKA_BOOTSTRAP",
                "127.0.0.1:1",
                "JOBWATCH_SPOOL_DIR",
                spoolDir.toString()),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("Kafka at 127.0.0.1:1 is unreachable (")
        .contains("did not acknowledge a record for jobwatch.lifecycle");
  }
}
