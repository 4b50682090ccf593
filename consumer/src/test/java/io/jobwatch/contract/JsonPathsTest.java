package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.PathType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Field paths are written the way the schema validator writes them in JSONPath. */
class JsonPathsTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "exit_code",
        "a1",
        "_a",
        "A",
        "1a",
        "a-b",
        "a.b",
        "a b",
        "a'b",
        "a:b",
        "a/b",
        "é",
        "😀",
        "a\nb",
        "a\tb",
        "a\\b",
        "a\"b",
        "$a",
        "1"
      })
  @DisplayName("A member is written as the validator's JSONPath writes it")
  void memberIsWrittenLikeTheValidator(String name) {
    assertThat(JsonPaths.member("$.data", name))
        .isEqualTo(PathType.JSON_PATH.append("$.data", name));
  }

  @Test
  @DisplayName("An item index and an empty member name, which the validator cannot write")
  void itemsAndEmptyNames() {
    assertThat(JsonPaths.item("$.data.depends_on", 3)).isEqualTo("$.data.depends_on[3]");
    assertThat(JsonPaths.member("$", "")).isEqualTo("$['']");
  }
}
