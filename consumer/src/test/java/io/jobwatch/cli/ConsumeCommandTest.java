package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer warns about a setting it no longer reads instead of ignoring it silently. */
class ConsumeCommandTest {
  @Test
  void warnsAboutTheReplacedCacheSetting() {
    assertThat(
            ConsumeCommand.replacedSettingWarning(Map.of("JOBWATCH_HISTORY_CACHE_JOBS", "20000")))
        .contains("JOBWATCH_HISTORY_CACHE_JOBS")
        .contains("JOBWATCH_HISTORY_CACHE_MB");
    assertThat(ConsumeCommand.replacedSettingWarning(Map.of("JOBWATCH_HISTORY_CACHE_MB", "64")))
        .isNull();
  }
}
