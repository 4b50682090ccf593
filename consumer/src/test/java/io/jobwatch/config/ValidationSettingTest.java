package io.jobwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.JobwatchException;
import io.jobwatch.contract.EventDecoder.Validation;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 12 point 2: JOBWATCH_VALIDATION picks the decoder's validation. */
class ValidationSettingTest {

  @Test
  @DisplayName("Streaming by default; schema when asked; kept by the copies")
  void validationIsRead() {
    assertThat(Settings.fromEnvironment(Map.of()).validation()).isEqualTo(Validation.STREAMING);
    assertThat(Settings.fromEnvironment(Map.of("JOBWATCH_VALIDATION", " ")).validation())
        .isEqualTo(Validation.STREAMING);
    Settings schema = Settings.fromEnvironment(Map.of("JOBWATCH_VALIDATION", "Schema"));
    assertThat(schema.validation()).isEqualTo(Validation.SCHEMA);
    assertThat(schema.with("k:9092", schema.db(), "g", 0).validation())
        .isEqualTo(Validation.SCHEMA);
    assertThat(schema.withTopics("a", "b").validation()).isEqualTo(Validation.SCHEMA);
  }

  @Test
  @DisplayName("Any other value stops the process with a reason naming the variable")
  void typoIsRefused() {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("JOBWATCH_VALIDATION", "strict")))
        .isInstanceOf(JobwatchException.class)
        .hasMessageContaining("JOBWATCH_VALIDATION");
  }
}
