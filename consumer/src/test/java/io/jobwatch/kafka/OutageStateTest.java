package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutageStateTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "A write that keeps failing after each successful resynchronisation backs off 250 ms, 500"
          + " ms, 1 s, ... up to 15 s; an accepted write resets the backoff")
  void backoffGrowsUntilAWriteIsAccepted() {
    OutageState outage = new OutageState();
    Instant now = T0;
    long expectedMillis = 250;
    for (int cycle = 0; cycle < 10; cycle++) {
      assertThat(outage.failed(now)).as("cycle %d begins an outage", cycle).isTrue();
      assertThat(outage.mayRetry(now.plusMillis(expectedMillis - 1))).isFalse();
      now = now.plusMillis(expectedMillis);
      assertThat(outage.mayRetry(now)).isTrue();
      assertThat(outage.resynced()).as("the read ends the outage").isTrue();
      expectedMillis = Math.min(expectedMillis * 2, 15_000);
    }
    assertThat(expectedMillis).isEqualTo(15_000);

    outage.succeeded();
    outage.failed(now);
    assertThat(outage.mayRetry(now.plusMillis(250))).as("reset by the accepted write").isTrue();
  }
}
