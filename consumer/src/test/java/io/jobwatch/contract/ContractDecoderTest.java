package io.jobwatch.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.Severity;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoder limits, parse failures and the mapping of valid events to the core records. */
class ContractDecoderTest {
  private static final Path VALID = Path.of("..", "schemas", "examples", "valid");
  private static final EventDecoder DECODER = new EventDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] example(String name) throws IOException {
    return Files.readAllBytes(VALID.resolve(name + ".json"));
  }

  private static String rejection(byte[] value) {
    Decoded decoded = DECODER.decode(value);
    assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
    return ((Decoded.Rejected) decoded).reason();
  }

  private static Event accepted(byte[] value) {
    Decoded decoded = DECODER.decode(value);
    assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
    return ((Decoded.Accepted) decoded).event();
  }

  private static byte[] withEnvelope(String example, String field, String value)
      throws IOException {
    ObjectNode event = (ObjectNode) JSON.readTree(example(example));
    event.put(field, value);
    return JSON.writeValueAsBytes(event);
  }

  @Test
  @DisplayName("A null or empty record is rejected as empty")
  void emptyRecordIsRejected() {
    assertThat(rejection(null)).startsWith("empty record");
    assertThat(rejection(new byte[0])).startsWith("empty record");
  }

  @Test
  @DisplayName(
      "A NUL character, which PostgreSQL cannot store, is rejected rather than failing a batch")
  void nulCharacterIsRejected() throws IOException {
    String text =
        new String(example("job.cancelled"), UTF_8).replace("superseded", "super\\u0000seded");
    assertThat(rejection(text.getBytes(UTF_8))).contains("\\u0000");
  }

  @Test
  @DisplayName("Bytes that are not UTF-8 are rejected before parsing")
  void invalidUtf8IsRejected() throws IOException {
    byte[] value = example("job.cancelled");
    String text = new String(value, UTF_8);
    int at = text.indexOf("superseded");
    value[at] = (byte) 0xC3; // a lead byte followed by an ASCII byte is malformed
    assertThat(rejection(value)).startsWith("record is not valid UTF-8");
  }

  @Test
  @DisplayName("Text that is not JSON is rejected as not JSON")
  void notJsonIsRejected() {
    assertThat(rejection("job started".getBytes(UTF_8))).startsWith("not JSON:");
    assertThat(rejection("   ".getBytes(UTF_8))).startsWith("not JSON:");
    assertThat(rejection("{\"id\": ".getBytes(UTF_8))).startsWith("not JSON:");
  }

  @Test
  @DisplayName("JSON that is not an object is rejected by the schema at the root")
  void nonObjectIsRejected() {
    assertThat(rejection("[]".getBytes(UTF_8))).isEqualTo("$: array found, object expected");
    assertThat(rejection("null".getBytes(UTF_8))).isEqualTo("$: null found, object expected");
  }

  @Test
  @DisplayName("A valid event followed by more data is rejected for trailing data")
  void trailingGarbageIsRejected() throws IOException {
    String event = new String(example("job.started"), UTF_8);
    assertThat(rejection((event + " xyz").getBytes(UTF_8)))
        .startsWith("trailing data after the JSON value");
    assertThat(rejection((event + event).getBytes(UTF_8)))
        .startsWith("trailing data after the JSON value");
  }

  @Test
  @DisplayName("A duplicated member is rejected instead of silently picking one")
  void duplicateMemberIsRejected() {
    String event = "{\"specversion\":\"1.0\",\"type\":\"job.cancelled\",\"type\":\"job.finished\"}";
    assertThat(rejection(event.getBytes(UTF_8))).contains("Duplicate field 'type'");
  }

  @Test
  @DisplayName("A record over the size limit is rejected with its size")
  void oversizedRecordIsRejected() {
    byte[] value = new byte[DecoderLimits.DEFAULT_MAX_RECORD_BYTES + 1];
    assertThat(rejection(value)).isEqualTo("record of 1048577 bytes exceeds 1048576");

    EventDecoder small = new EventDecoder(new DecoderLimits(100, 32));
    Decoded decoded = small.decode(new byte[101]);
    assertThat(decoded).isEqualTo(new Decoded.Rejected("record of 101 bytes exceeds 100"));
  }

  @Test
  @DisplayName("10,000 levels of nesting are rejected by the parser limit, not a stack overflow")
  void deepNestingIsRejected() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThat(rejection(deep.getBytes(UTF_8)))
        .startsWith("JSON exceeds a parser limit")
        .contains("nesting depth");

    String deepData = "{\"data\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
    assertThat(rejection(deepData.getBytes(UTF_8))).contains("nesting depth");
  }

  @Test
  @DisplayName("Another specversion is rejected naming $.specversion")
  void wrongSpecversionIsRejected() throws IOException {
    assertThat(rejection(withEnvelope("job.started", "specversion", "0.3")))
        .startsWith("$.specversion: must be the constant value '1.0'");
  }

  @Test
  @DisplayName("An unknown type is rejected saying the type is unknown")
  void unknownTypeIsRejected() throws IOException {
    assertThat(rejection(withEnvelope("job.started", "type", "job.exploded")))
        .startsWith("$.type: unknown event type");
  }

  @Test
  @DisplayName("A time that is not RFC 3339 is rejected naming $.time")
  void badTimeIsRejected() throws IOException {
    assertThat(rejection(withEnvelope("job.started", "time", "22/11/2026 10:00")))
        .startsWith("$.time:");
    assertThat(rejection(withEnvelope("job.started", "time", "2026-02-30T10:00:00Z")))
        .startsWith("$.time:");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2016-12-31T23:59:60Z, 2016-12-31T23:59:59Z",
    "2016-12-31T23:59:60.5Z, 2016-12-31T23:59:59.500Z",
    "2016-12-31T23:59:60+00:00, 2016-12-31T23:59:59Z",
    "2016-12-31t23:59:60z, 2016-12-31T23:59:59Z",
    "1990-12-31T15:59:60.25-08:00, 1990-12-31T23:59:59.250Z"
  })
  @DisplayName(
      "A leap second RFC 3339 allows is read as second 59 of its minute in every notation (an"
          + " offset, lower-case t and z), with both decoders in both content modes")
  void leapSecondIsReadInEveryNotation(String time, String folded) throws IOException {
    ObjectNode event = (ObjectNode) JSON.readTree(example("job.started"));
    event.put("time", time);
    BinaryMode.Binary binary = BinaryMode.fromEnvelope(event);
    for (EventDecoder decoder : Verdicts.BOTH) {
      for (Decoded decoded :
          List.of(
              decoder.decode(JSON.writeValueAsBytes(event)),
              decoder.decode(binary.headers(), binary.value().getBytes(UTF_8)))) {
        assertThat(decoded)
            .as("%s, %s", time, decoder.validation())
            .isInstanceOf(Decoded.Accepted.class);
        assertThat(((Decoded.Accepted) decoded).event().time()).isEqualTo(Instant.parse(folded));
      }
    }
    assertThat(rejection(withEnvelope("job.started", "time", "2016-11-30T23:59:60Z")))
        .as("no leap second ended November 2016")
        .startsWith("$.time:");
  }

  @Test
  @DisplayName("A schema violation names the failing field and the bound")
  void schemaViolationNamesTheField() throws IOException {
    ObjectNode event = (ObjectNode) JSON.readTree(example("job.finished"));
    ((ObjectNode) event.get("data")).put("exit_code", 300);
    assertThat(rejection(JSON.writeValueAsBytes(event)))
        .isEqualTo("$.data.exit_code: must have a maximum value of 255");
  }

  @Test
  @DisplayName("job.finished maps runner, attempt and exit code, and envelope fields")
  void finishedIsMapped() throws IOException {
    JobEvent event = (JobEvent) accepted(example("job.finished-failed"));

    assertThat(event.jobId()).isEqualTo("0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10");
    assertThat(event.service()).isEqualTo("blast");
    assertThat(event.time()).isEqualTo(Instant.parse("2026-11-22T11:42:17.250Z"));
    assertThat(event.id()).isEqualTo("6f1c2a9e-3b7d-4c1e-9a52-000000000009");
    assertThat(event.change()).isEqualTo(new JobChange.Finished("slurm", 2, 137));
  }

  @Test
  @DisplayName(
      "Both decoders keep the optional runner of job.finished and job.crashed, and map its"
          + " absence to null")
  void finishedAndCrashedKeepTheirRunner() throws IOException {
    ObjectNode finished = Verdicts.validExample("job.finished-failed");
    ObjectNode crashed = Verdicts.validExample("job.crashed");
    ((ObjectNode) crashed.get("data")).put("runner", "sge");
    ObjectNode finishedWithoutRunner = Verdicts.validExample("job.finished-failed");
    ((ObjectNode) finishedWithoutRunner.get("data")).remove("runner");

    for (EventDecoder decoder : Verdicts.BOTH) {
      assertThat(change(decoder, finished)).isEqualTo(new JobChange.Finished("slurm", 2, 137));
      assertThat(change(decoder, crashed))
          .isEqualTo(
              new JobChange.Crashed(
                  "sge",
                  1,
                  Blame.PLATFORM,
                  "oom",
                  "slurmstepd: Exceeded job memory limit (64G)",
                  false));
      assertThat(change(decoder, finishedWithoutRunner))
          .isEqualTo(new JobChange.Finished(null, 2, 137));
    }
  }

  private static JobChange change(EventDecoder decoder, ObjectNode event) throws IOException {
    Decoded decoded = decoder.decode(JSON.writeValueAsBytes(event));
    assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
    return ((JobEvent) ((Decoded.Accepted) decoded).event()).change();
  }

  @Test
  @DisplayName("A job event without service maps to a null service; offsets become instants")
  void serviceIsOptionalAfterSubmission() throws IOException {
    JobEvent event = (JobEvent) accepted(example("job.status-error"));

    assertThat(event.service()).isNull();
    assertThat(event.time()).isEqualTo(Instant.parse("2026-11-22T09:06:00Z"));
    assertThat(event.change())
        .isEqualTo(
            new JobChange.Status(
                1, "chunk 7: reference index missing, retrying from mirror", null, null, null));
  }

  @Test
  @DisplayName("job.status maps its messages and progress counters")
  void statusIsMapped() throws IOException {
    JobEvent event = (JobEvent) accepted(example("job.status"));

    assertThat(event.change())
        .isEqualTo(
            new JobChange.Status(
                1,
                null,
                "disk usage at 85% on /scratch",
                "aligning chunk 12 of 40",
                new JobChange.Progress(11L, 28L, 1L)));
  }

  @Test
  @DisplayName("job.crashed with blame null becomes UNKNOWN and keeps fatal")
  void crashedWithNullBlameIsUnknown() throws IOException {
    JobEvent event = (JobEvent) accepted(example("job.crashed-blame-null"));

    assertThat(event.change())
        .isEqualTo(new JobChange.Crashed(3, Blame.UNKNOWN, "killed_by_watchdog", null, true));
  }

  @Test
  @DisplayName("job.crashed maps blame, cause, details and fatal false")
  void crashedIsMapped() throws IOException {
    JobEvent event = (JobEvent) accepted(example("job.crashed"));

    assertThat(event.change())
        .isEqualTo(
            new JobChange.Crashed(
                1, Blame.PLATFORM, "oom", "slurmstepd: Exceeded job memory limit (64G)", false));
  }

  @Test
  @DisplayName("job.submitted maps dependencies with accept defaulting to succeeded")
  void submittedIsMapped() throws IOException {
    JobEvent event = (JobEvent) accepted(example("job.submitted"));
    JobChange.Submitted submitted = (JobChange.Submitted) event.change();

    assertThat(event.service()).isEqualTo("blast");
    assertThat(submitted.runner()).isEqualTo("slurm");
    assertThat(submitted.monitor()).isNull();
    assertThat(submitted.dependsOn())
        .containsExactly(
            new JobChange.Dependency("a41d0f3e-2c5b-4e8a-9f17-3b6c8d0e1a22", List.of()),
            new JobChange.Dependency(
                "c93e1b7a-5d2f-4a6c-8e04-7f1a2b3c4d55",
                List.of(JobState.SUCCEEDED, JobState.FAILED)));
    assertThat(submitted.dependsOn().get(0).accept()).containsExactly(JobState.SUCCEEDED);
    assertThat(submitted.labels()).isEqualTo(Map.of("project", "genomes-2026", "priority", "high"));
    JsonNode trigger = JSON.readTree(submitted.triggerJson());
    assertThat(trigger)
        .isEqualTo(JSON.readTree(example("job.submitted")).get("data").get("trigger"));
  }

  @Test
  @DisplayName("job.started and job.queued keep runner, attempt, host and monitor")
  void startedAndQueuedAreMapped() throws IOException {
    assertThat(((JobEvent) accepted(example("job.started"))).change())
        .isEqualTo(new JobChange.Started("slurm", 1, "node-017.hpc.example.org", null));
    assertThat(((JobEvent) accepted(example("job.queued"))).change())
        .isEqualTo(new JobChange.Queued("slurm", 1));
    assertThat(((JobEvent) accepted(example("job.requeued"))).change())
        .isEqualTo(new JobChange.Requeued(2, "node failure on node-017"));
  }

  @Test
  @DisplayName("stage.error maps key, class, message, job and explicit severity")
  void stageErrorIsMapped() throws IOException {
    StageEvent plain = (StageEvent) accepted(example("stage.error"));
    StageEvent explicit = (StageEvent) accepted(example("stage.error-severity"));

    assertThat(plain.key()).isEqualTo(new StageKey("blast", "slurm", "check_status"));
    assertThat(((StageReport.Error) plain.report()).severity()).isNull();
    assertThat(((StageReport.Error) plain.report()).errorClass())
        .isEqualTo("subprocess.CalledProcessError");
    assertThat(((StageReport.Error) plain.report()).jobId())
        .isEqualTo("0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10");
    assertThat(explicit.report())
        .isEqualTo(
            new StageReport.Error(
                "java.io.IOException", "qsub: cannot connect to qmaster", null, Severity.WARNING));
    assertThat(((StageEvent) accepted(example("stage.ok"))).report())
        .isEqualTo(new StageReport.Ok());
  }

  @Test
  @DisplayName("monitor.declared with cron and timezone maps to a Cron schedule in that zone")
  void cronMonitorIsMapped() throws IOException {
    MonitorEvent event = (MonitorEvent) accepted(example("monitor.declared-cron"));

    assertThat(event.monitor()).isEqualTo("nightly-backup");
    assertThat(event.change())
        .isEqualTo(
            new MonitorChange.Declared(
                "data-platform",
                new MonitorChange.Schedule.Cron("0 2 * * *", ZoneId.of("Europe/Berlin")),
                Duration.ofMinutes(30),
                Duration.ofHours(2)));
  }

  @Test
  @DisplayName("monitor.declared with every maps durations, weeks and days included")
  void everyMonitorIsMapped() throws IOException {
    assertThat(((MonitorEvent) accepted(example("monitor.declared-every"))).change())
        .isEqualTo(
            new MonitorChange.Declared(
                "infra",
                new MonitorChange.Schedule.Every(Duration.ofMinutes(15)),
                Duration.ofMinutes(5),
                null));
    assertThat(((MonitorEvent) accepted(example("monitor.declared-every-days"))).change())
        .isEqualTo(
            new MonitorChange.Declared(
                "analytics",
                new MonitorChange.Schedule.Every(Duration.ofDays(7)),
                Duration.ofDays(1),
                null));
  }

  @Test
  @DisplayName("Week and day periods combine with times of day")
  void isoPeriodsFallBackToDays() {
    assertThat(MonitorChangeMapper.duration("$.x", "P1W2DT3H"))
        .isEqualTo(Duration.ofDays(9).plusHours(3));
    assertThat(MonitorChangeMapper.duration("$.x", "P1D")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  @DisplayName("monitor control events map to their changes")
  void monitorControlEventsAreMapped() throws IOException {
    assertThat(((MonitorEvent) accepted(example("monitor.paused"))).change())
        .isEqualTo(new MonitorChange.Paused());
    assertThat(((MonitorEvent) accepted(example("monitor.retired"))).monitor())
        .isEqualTo("mirror-sync");
  }

  @Test
  @DisplayName("The decoder gives the same answers when shared between threads")
  void decoderIsSafeToShare() throws Exception {
    byte[] value = example("job.status");
    Event expected = accepted(value);
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger mismatches =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  if (!(DECODER.decode(value) instanceof Decoded.Accepted accepted)
                      || !expected.equals(accepted.event())) {
                    mismatches.incrementAndGet();
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(mismatches).hasValue(0);
  }
}
