package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.RuntimeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inside {@code data}, an optional field whose value is JSON null is the same as that field left
 * out: what Python's {@code json.dumps} of a dict or dataclass holding None, Jackson without
 * NON_NULL and a Go struct without omitempty write. A required field as null, and null inside a
 * value (an array item, a label value), are still rejected naming the field. Both decoders, both
 * content modes.
 */
class NullOptionalFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode data(ObjectNode event) {
    return (ObjectNode) event.get("data");
  }

  private static List<Decoded> decodeInBothModes(ObjectNode event) throws IOException {
    List<Decoded> decoded = new ArrayList<>();
    byte[] structured = JSON.writeValueAsBytes(event);
    BinaryMode.Binary binary = BinaryMode.fromEnvelope(event);
    byte[] value = binary.value().getBytes(StandardCharsets.UTF_8);
    for (EventDecoder decoder : Verdicts.BOTH) {
      decoded.add(decoder.decode(structured));
      decoded.add(decoder.decode(binary.headers(), value));
    }
    return decoded;
  }

  private static Event accepted(Decoded decoded, String what) {
    assertThat(decoded).as(what).isInstanceOf(Decoded.Accepted.class);
    return ((Decoded.Accepted) decoded).event();
  }

  @ParameterizedTest(name = "{0}: \"{1}\": null")
  @CsvSource({
    "job.submitted, runner",
    "job.submitted, monitor",
    "job.submitted, depends_on",
    "job.submitted, trigger",
    "job.submitted, labels",
    "job.queued, attempt",
    "job.queued, runner",
    "job.queued, service",
    "job.waiting, runner",
    "job.started, host",
    "job.started, monitor",
    "job.started, service",
    "job.status, error",
    "job.status, warning",
    "job.status, activity",
    "job.status, progress",
    "job.status, runner",
    "job.finished, runner",
    "job.crashed, blame",
    "job.crashed, cause",
    "job.crashed, details",
    "job.crashed, fatal",
    "job.cancelled, reason",
    "job.requeued, reason",
    "stage.error-severity, job_id",
    "stage.error-severity, severity",
    "monitor.declared-run-rules, max_runtime",
    "monitor.declared-run-rules, min_runtime",
    "monitor.declared-run-rules, start_grace",
    "monitor.declared-run-rules, failure_threshold",
    "monitor.declared-run-rules, recovery_threshold",
    "monitor.declared-run-rules, max_runs_per_period",
    "monitor.declared-owner, owner"
  })
  @DisplayName("An optional data field as null decodes to the event without that field")
  void nullOptionalFieldIsAbsent(String example, String field) throws IOException {
    ObjectNode withNull = Verdicts.validExample(example);
    data(withNull).putNull(field);
    ObjectNode without = Verdicts.validExample(example);
    data(without).remove(field);

    List<Decoded> nulls = decodeInBothModes(withNull);
    List<Decoded> absents = decodeInBothModes(without);

    for (int i = 0; i < nulls.size(); i++) {
      String what = example + " with " + field + " null, decoding " + i;
      assertThat(accepted(nulls.get(i), what)).isEqualTo(accepted(absents.get(i), what));
    }
  }

  @Test
  @DisplayName("A progress count as null is absent; progress whose counts are all null is absent")
  void nullProgressCountsAreAbsent() throws IOException {
    ObjectNode withNull = Verdicts.validExample("job.status");
    ((ObjectNode) data(withNull).get("progress")).putNull("waiting");
    ObjectNode without = Verdicts.validExample("job.status");
    ((ObjectNode) data(without).get("progress")).remove("waiting");
    ObjectNode allNull = Verdicts.validExample("job.status");
    data(allNull).putObject("progress").putNull("complete").putNull("waiting").putNull("failed");
    ObjectNode noProgress = Verdicts.validExample("job.status");
    data(noProgress).remove("progress");

    List<Decoded> nulls = decodeInBothModes(withNull);
    List<Decoded> absents = decodeInBothModes(without);
    List<Decoded> allNulls = decodeInBothModes(allNull);
    List<Decoded> noProgresses = decodeInBothModes(noProgress);

    for (int i = 0; i < nulls.size(); i++) {
      assertThat(accepted(nulls.get(i), "waiting null " + i))
          .isEqualTo(accepted(absents.get(i), "waiting absent " + i));
      assertThat(accepted(allNulls.get(i), "all counts null " + i))
          .isEqualTo(accepted(noProgresses.get(i), "no progress " + i));
    }
  }

  @Test
  @DisplayName(
      "A Python dataclass of every optional field, unset ones as None, decodes like the sparse"
          + " event")
  void pythonStyleEventWithSeveralNulls() throws IOException {
    String json =
        "{\"specversion\":\"1.0\",\"id\":\"n-1\",\"source\":\"/runner/py\",\"type\":\"job.status\","
            + "\"time\":\"2026-11-22T10:00:00Z\",\"datacontenttype\":null,\"subject\":null,"
            + "\"data\":{\"job_id\":\"j-1\",\"service\":null,\"runner\":null,\"attempt\":1,"
            + "\"error\":null,\"warning\":\"low disk\",\"activity\":null,\"progress\":null}}";
    String sparse =
        "{\"specversion\":\"1.0\",\"id\":\"n-1\",\"source\":\"/runner/py\",\"type\":\"job.status\","
            + "\"time\":\"2026-11-22T10:00:00Z\","
            + "\"data\":{\"job_id\":\"j-1\",\"attempt\":1,\"warning\":\"low disk\"}}";
    for (EventDecoder decoder : Verdicts.BOTH) {
      Event event = accepted(decoder.decode(json.getBytes(StandardCharsets.UTF_8)), "nulls");
      assertThat(event)
          .isEqualTo(accepted(decoder.decode(sparse.getBytes(StandardCharsets.UTF_8)), "sparse"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "job.submitted-null-optionals",
    "job.status-null-optionals",
    "job.crashed-null-optionals",
    "monitor.declared-null-optionals"
  })
  @DisplayName("A stored envelope with null optional fields reads back as the event it was")
  void storedEnvelopeReadsBack(String example) throws IOException {
    byte[] value = JSON.writeValueAsBytes(Verdicts.validExample(example));
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded.Accepted accepted = (Decoded.Accepted) decoder.decode(value);
      assertThat(decoder.decodeStored(accepted.json())).isEqualTo(accepted.event());
    }
  }

  @ParameterizedTest(name = "{0}: \"{1}\": null")
  @CsvSource({
    "job.submitted, job_id",
    "job.submitted, service",
    "job.queued, job_id",
    "job.waiting, reason",
    "job.started, runner",
    "job.started, attempt",
    "job.status, attempt",
    "job.finished, attempt",
    "job.finished, exit_code",
    "job.crashed, attempt",
    "job.requeued, attempt",
    "stage.error, service",
    "stage.error, runner",
    "stage.error, stage",
    "stage.error, error_class",
    "stage.error, message",
    "stage.ok, stage",
    "monitor.declared-every, monitor",
    "monitor.declared-every, team",
    "monitor.declared-every, schedule",
    "monitor.declared-every, grace",
    "monitor.paused, monitor"
  })
  @DisplayName("A required data field as null is rejected naming that field")
  void nullRequiredFieldIsRejected(String example, String field) throws IOException {
    ObjectNode event = Verdicts.validExample(example);
    data(event).putNull(field);

    for (Decoded decoded : decodeInBothModes(event)) {
      assertThat(decoded).as("%s %s", example, field).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason()).startsWith("$.data." + field + ": ");
    }
  }

  @Test
  @DisplayName("Null inside a value stays invalid: a depends_on item, an accept entry, a label")
  void nullInsideValuesIsRejected() throws IOException {
    ObjectNode dependency = Verdicts.validExample("job.submitted");
    data(dependency).withArray("depends_on").addNull();
    ObjectNode accept = Verdicts.validExample("job.submitted");
    ((ObjectNode) data(accept).withArray("depends_on").get(1)).withArray("accept").addNull();
    ObjectNode label = Verdicts.validExample("job.submitted");
    data(label).with("labels").putNull("priority");
    ObjectNode runs = Verdicts.validExample("monitor.declared-run-rules");
    data(runs).with("max_runs_per_period").putNull("runs");

    assertRejected(dependency, "$.data.depends_on[2]");
    assertRejected(accept, "$.data.depends_on[1].accept[2]");
    assertRejected(label, "$.data.labels.priority");
    assertRejected(runs, "$.data.max_runs_per_period.runs");
  }

  private static void assertRejected(ObjectNode event, String field) throws IOException {
    for (Decoded decoded : decodeInBothModes(event)) {
      assertThat(decoded).as(field).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason()).startsWith(field + ": ");
    }
  }

  private static JobEvent job(String json) {
    Decoded decoded = new EventDecoder().decode(json.getBytes(StandardCharsets.UTF_8));
    return (JobEvent) accepted(decoded, json);
  }

  private static String status(String id, String time, String fields) {
    return "{\"specversion\":\"1.0\",\"id\":\""
        + id
        + "\",\"source\":\"/runner/py\",\"type\":\"job.status\",\"time\":\"2026-11-22T10:"
        + time
        + "Z\",\"data\":{\"job_id\":\"j-1\",\"attempt\":1,"
        + fields
        + "}}";
  }

  @Test
  @DisplayName(
      "A status with \"error\": null and a warning sets the warning and neither counts an error"
          + " nor clears the first; a later \"warning\": null keeps the warning")
  void nullStatusFieldsSayNothing() {
    List<JobEvent> events =
        List.of(
            job(
                "{\"specversion\":\"1.0\",\"id\":\"s\",\"source\":\"/scheduler\","
                    + "\"type\":\"job.submitted\",\"time\":\"2026-11-22T10:00:00Z\","
                    + "\"data\":{\"job_id\":\"j-1\",\"service\":\"blast\",\"runner\":null,"
                    + "\"monitor\":null,\"depends_on\":null,\"trigger\":null,\"labels\":null}}"),
            job(
                "{\"specversion\":\"1.0\",\"id\":\"r\",\"source\":\"/runner/py\","
                    + "\"type\":\"job.started\",\"time\":\"2026-11-22T10:01:00Z\","
                    + "\"data\":{\"job_id\":\"j-1\",\"runner\":\"slurm\",\"attempt\":1,"
                    + "\"host\":null,\"monitor\":null}}"),
            job(status("e", "02:00", "\"error\":\"disk full\",\"warning\":\"first warning\"")),
            job(status("w", "03:00", "\"error\":null,\"warning\":\"w\",\"activity\":null")),
            job(status("a", "04:00", "\"error\":null,\"warning\":null,\"activity\":\"sorting\"")));

    JobFold.Result result = JobFold.fold(events);
    RuntimeStatus runtime = result.row().runtime();

    assertThat(result.ignoredEventIds()).isEmpty();
    assertThat(runtime.error()).isEqualTo("disk full");
    assertThat(runtime.additionalErrors()).isZero();
    assertThat(runtime.errorSummary()).isEqualTo("disk full");
    assertThat(runtime.warning()).isEqualTo("w");
    assertThat(runtime.activity()).isEqualTo("sorting");
    assertThat(result.row().runner()).isEqualTo("slurm");
  }
}
