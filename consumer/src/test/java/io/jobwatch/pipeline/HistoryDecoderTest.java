package io.jobwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Event;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageReport;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("History decoding folds stored events at their stored time")
class HistoryDecoderTest {
  private static final Instant SENT = Instant.parse("2026-11-22T11:00:00.123456789Z");
  private static final HistoryDecoder DECODER =
      json -> new StageEvent("e", SENT, new StageKey("s", "r", "x"), new StageReport.Ok());

  @Test
  @DisplayName("A bounded event comes back at its folded time, not the envelope's")
  void boundedEventKeepsFoldedTime() {
    Instant folded = Instant.parse("2026-11-22T10:00:00Z");
    Event event = DECODER.decode("{}", folded);
    assertThat(event.time()).isEqualTo(folded);
  }

  @Test
  @DisplayName("An event stored at its own time keeps its full precision")
  void unboundedEventKeepsNanos() {
    Instant roundedUp = Instant.parse("2026-11-22T11:00:00.123457Z");
    Instant truncated = Instant.parse("2026-11-22T11:00:00.123456Z");
    assertThat(DECODER.decode("{}", roundedUp).time()).isEqualTo(SENT);
    assertThat(DECODER.decode("{}", truncated).time()).isEqualTo(SENT);
    assertThat(DECODER.decode("{}", null).time()).isEqualTo(SENT);
  }
}
