package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * CloudEvents JSON format 1.0, 2.2: an attribute whose value is JSON null is the same as one left
 * out. Publishers that serialise an object with unset optional fields (a Java record or POJO, a
 * Python dataclass, a Go struct without omitempty) write {@code "subject": null}.
 */
class OptionalAttributesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] startedWith(String... nullAttributes) throws IOException {
    ObjectNode event = Verdicts.validExample("job.started");
    for (String attribute : nullAttributes) {
      event.putNull(attribute);
    }
    return JSON.writeValueAsBytes(event);
  }

  @Test
  @DisplayName("subject, dataschema and datacontenttype as null are accepted as if absent")
  void nullOptionalAttributesAreAbsent() throws IOException {
    byte[] plain = startedWith();
    for (String attribute : List.of("subject", "dataschema", "datacontenttype")) {
      byte[] withNull = startedWith(attribute);
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded decoded = decoder.decode(withNull);
        assertThat(decoded).as(attribute).isInstanceOf(Decoded.Accepted.class);
        assertThat(((Decoded.Accepted) decoded).event())
            .isEqualTo(((Decoded.Accepted) decoder.decode(plain)).event());
      }
    }
    for (EventDecoder decoder : Verdicts.BOTH) {
      assertThat(decoder.decode(startedWith("subject", "dataschema", "datacontenttype")))
          .isInstanceOf(Decoded.Accepted.class);
    }
  }

  @Test
  @DisplayName("A required attribute as null is still rejected, and a wrong type still is")
  void requiredAttributesAsNullAreRejected() throws IOException {
    for (String attribute : List.of("id", "source", "type", "time", "data")) {
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded decoded = decoder.decode(startedWith(attribute));
        assertThat(decoded).as(attribute).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason()).contains("$." + attribute);
      }
    }
    ObjectNode event = Verdicts.validExample("job.started");
    event.put("subject", 7);
    for (EventDecoder decoder : Verdicts.BOTH) {
      assertThat(decoder.decode(JSON.writeValueAsBytes(event)))
          .isInstanceOf(Decoded.Rejected.class);
    }
  }

  @Test
  @DisplayName("datacontenttype names JSON in any letter case; other types are still rejected")
  void datacontenttypeIsCaseInsensitive() throws IOException {
    // Media types are case-insensitive (RFC 2045 5.1, RFC 9110 8.3.1).
    for (String json :
        List.of("application/JSON", "Application/Json; charset=UTF-8", "APPLICATION/JSON;")) {
      ObjectNode event = Verdicts.validExample("job.finished");
      event.put("datacontenttype", json);
      for (EventDecoder decoder : Verdicts.BOTH) {
        assertThat(decoder.decode(JSON.writeValueAsBytes(event)))
            .as("%s (%s)", json, decoder.validation())
            .isInstanceOf(Decoded.Accepted.class);
      }
    }
    for (String other : List.of("Application/JSONX", "TEXT/PLAIN", "Application/JSON\n")) {
      ObjectNode event = Verdicts.validExample("job.finished");
      event.put("datacontenttype", other);
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded decoded = decoder.decode(JSON.writeValueAsBytes(event));
        assertThat(decoded)
            .as("%s (%s)", other, decoder.validation())
            .isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason()).startsWith("$.datacontenttype: ");
      }
    }
  }
}
