package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A name or id read from a file or a command's output with its line terminator ({@code "blast\n"})
 * is rejected: the contract allows only the characters its patterns list. A bare {@code $} let
 * java.util.regex and Python accept one trailing terminator (ECMA-262, which JSON Schema names,
 * does not), and such a record made a second service {@code "blast\n"} beside {@code "blast"}, with
 * its own stage rows and metric labels.
 */
class TrailingLineTerminatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TERMINATORS =
      List.of("\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029");

  private static ObjectNode example(String type) throws IOException {
    return Verdicts.validExample(type);
  }

  private static void assertRejected(ObjectNode event, String field) throws IOException {
    byte[] value = JSON.writeValueAsBytes(event);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(value);
      assertThat(decoded).as("%s: %s", field, event).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason()).startsWith(field);
    }
  }

  @Test
  @DisplayName("service, runner, job_id, stage, error_class and time with a trailing line end")
  void trailingTerminatorsAreRejected() throws IOException {
    for (String end : TERMINATORS) {
      ObjectNode started = example("job.started");
      ObjectNode data = (ObjectNode) started.get("data");
      data.put("service", data.get("service").asText() + end);
      assertRejected(started, "$.data.service");

      started = example("job.started");
      data = (ObjectNode) started.get("data");
      data.put("runner", data.get("runner").asText() + end);
      assertRejected(started, "$.data.runner");

      started = example("job.started");
      data = (ObjectNode) started.get("data");
      data.put("job_id", data.get("job_id").asText() + end);
      assertRejected(started, "$.data.job_id");

      ObjectNode error = example("stage.error");
      ObjectNode errorData = (ObjectNode) error.get("data");
      errorData.put("stage", errorData.get("stage").asText() + end);
      assertRejected(error, "$.data.stage");

      error = example("stage.error");
      errorData = (ObjectNode) error.get("data");
      errorData.put("error_class", errorData.get("error_class").asText() + end);
      assertRejected(error, "$.data.error_class");

      started = example("job.started");
      started.put("time", started.get("time").asText() + end);
      assertRejected(started, "$.time");

      started = example("job.started");
      started.put("datacontenttype", "application/json" + end);
      assertRejected(started, "$.datacontenttype");
    }
  }

  @Test
  @DisplayName("The same names without the line end are accepted")
  void theSameNamesAreAcceptedWithoutIt() throws IOException {
    for (String type : List.of("job.started", "stage.error")) {
      byte[] value = JSON.writeValueAsBytes(example(type));
      for (EventDecoder decoder : Verdicts.BOTH) {
        assertThat(decoder.decode(value)).isInstanceOf(Decoded.Accepted.class);
      }
    }
  }
}
