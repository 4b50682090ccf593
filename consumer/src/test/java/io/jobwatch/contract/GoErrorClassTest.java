package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Go publisher names an error's type with {@code fmt.Sprintf("%T", err)}: {@code *fs.PathError},
 * {@code *net.OpError}. One leading {@code *} is part of the error_class contract.
 */
class GoErrorClassTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] stageError(String errorClass) throws IOException {
    ObjectNode event = Verdicts.validExample("stage.error");
    ((ObjectNode) event.get("data")).put("error_class", errorClass);
    return JSON.writeValueAsBytes(event);
  }

  @Test
  @DisplayName("*fs.PathError and *net.OpError are accepted by both decoders")
  void pointerTypesAreAccepted() throws IOException {
    for (String errorClass : List.of("*fs.PathError", "*net.OpError", "syscall.Errno")) {
      for (EventDecoder decoder : Verdicts.BOTH) {
        assertThat(decoder.decode(stageError(errorClass)))
            .as(errorClass)
            .isInstanceOf(Decoded.Accepted.class);
      }
    }
  }

  @Test
  @DisplayName("A lone *, two of them, or one that is not at the start are rejected")
  void otherStarsAreRejected() throws IOException {
    for (String errorClass : List.of("*", "**fs.PathError", "fs.*PathError", "*1x", "* x")) {
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded decoded = decoder.decode(stageError(errorClass));
        assertThat(decoded).as(errorClass).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason()).startsWith("$.data.error_class");
      }
    }
  }
}
