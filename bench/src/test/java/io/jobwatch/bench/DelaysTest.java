package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paced-run delays: the warm-up is the events published in its phase, whenever they commit. */
class DelaysTest {
  @Test
  void eventsPublishedInTheWarmupPhaseAreWarmupEvenWhenTheyCommitLate() {
    Delays delays = new Delays();
    delays.warmupMillis(30_000);
    long first = 1_000_000;
    // Published 5 s in, committed 40 s in (a drained backlog): warm-up.
    delays.record(35_000, first + 40_000, first);
    // Published 31 s in, committed 200 ms later: steady.
    delays.record(200, first + 31_200, first);
    // Published 29.9 s in, committed at 40.4 s: still warm-up.
    delays.record(10_500, first + 40_400, first);
    // Before the first record is known: warm-up.
    delays.record(50, first - 10, -1);

    assertThat(delays.warmup().total()).isEqualTo(3);
    assertThat(delays.warmupMax()).isEqualTo(35_000);
    assertThat(delays.steady().total()).isEqualTo(1);
    assertThat(delays.steadyMax()).isEqualTo(200);
  }

  @Test
  void timelineHasEventsAndTheLargestDelayPerSecondOfCommit(@TempDir Path dir) throws Exception {
    Delays delays = new Delays();
    long first = 5_000;
    delays.record(120, first + 2_100, first);
    delays.record(900, first + 2_900, first);
    delays.record(40, first + 7_000, first);
    Path file = dir.resolve("t.csv");
    delays.writeTimeline(file);
    assertThat(Files.readAllLines(file))
        .containsExactly("second,events,max_delay_ms", "2,2,900", "7,1,40");
  }
}
