package io.jobwatch.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.monitor.MonitorClock.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Monitors are judged at the stream's progress while the pipeline is behind")
class MonitorClockTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final Duration STALE = Duration.ofMinutes(1);

  private static Progress caughtUp(int partition, Instant reportedAt) {
    return new Progress("jobwatch", "lifecycle", partition, null, true, reportedAt);
  }

  private static Progress behind(int partition, Instant watermark, Instant reportedAt) {
    return new Progress("jobwatch", "lifecycle", partition, watermark, false, reportedAt);
  }

  private static Instant judge(Progress... reports) {
    return MonitorClock.judgementInstant(List.of(reports), NOW, STALE);
  }

  @Test
  @DisplayName("with no report at all, the wall clock")
  void noReportsIsTheWallClock() {
    assertThat(judge()).isEqualTo(NOW);
  }

  @Test
  @DisplayName("every partition caught up and freshly reported: the wall clock")
  void caughtUpIsTheWallClock() {
    assertThat(judge(caughtUp(0, NOW.minusSeconds(3)), caughtUp(1, NOW.minusSeconds(59))))
        .isEqualTo(NOW);
  }

  @Test
  @DisplayName("one partition behind: the watermark of that partition")
  void behindIsItsWatermark() {
    Instant watermark = NOW.minus(Duration.ofHours(2));

    assertThat(judge(caughtUp(0, NOW), behind(1, watermark, NOW.minusSeconds(1))))
        .isEqualTo(watermark);
  }

  @Test
  @DisplayName("several partitions behind: the earliest watermark")
  void theSlowestPartitionDecides() {
    assertThat(
            judge(
                behind(0, NOW.minusSeconds(600), NOW),
                behind(1, NOW.minusSeconds(900), NOW),
                behind(2, NOW.minusSeconds(30), NOW)))
        .isEqualTo(NOW.minusSeconds(900));
  }

  @Test
  @DisplayName(
      "a caught-up partition whose reporter went silent (the pipeline is down for it) stops the"
          + " judgement at its last report, while the other partitions are fresh")
  void staleCaughtUpStopsAtItsReport() {
    Instant lastReport = NOW.minus(Duration.ofMinutes(10));

    assertThat(judge(caughtUp(0, NOW), caughtUp(1, NOW.minusSeconds(30)), caughtUp(2, lastReport)))
        .isEqualTo(lastReport);
  }

  @Test
  @DisplayName(
      "a whole pipeline that went silent is judged where it stopped, not at the wall clock")
  void silentPipelineIsFrozen() {
    Instant stoppedAt = NOW.minus(Duration.ofMinutes(20));

    assertThat(judge(caughtUp(0, stoppedAt), caughtUp(1, stoppedAt.minusSeconds(4))))
        .isEqualTo(stoppedAt.minusSeconds(4));
    assertThat(judge(behind(0, stoppedAt.minusSeconds(300), stoppedAt), caughtUp(1, stoppedAt)))
        .isEqualTo(stoppedAt.minusSeconds(300));
  }

  @Test
  @DisplayName("the reports of a group or topic nobody consumes any more are ignored")
  void abandonedScopesAreIgnored() {
    Progress oldGroup =
        new Progress(
            "jobwatch-old",
            "lifecycle",
            0,
            NOW.minusSeconds(86_400),
            false,
            NOW.minus(Duration.ofDays(1)));
    Progress oldTopic =
        new Progress("jobwatch", "lifecycle-v0", 0, null, true, NOW.minus(Duration.ofHours(1)));

    assertThat(judge(caughtUp(0, NOW), oldGroup, oldTopic)).isEqualTo(NOW);
  }

  @Test
  @DisplayName("a watermark ahead of the wall clock never judges monitors in the future")
  void neverLaterThanNow() {
    assertThat(judge(behind(0, NOW.plusSeconds(3600), NOW))).isEqualTo(NOW);
  }

  @Test
  @DisplayName(
      "a partition behind whose watermark runs ahead of its last report (records stamped by a"
          + " producer clock ahead) progressed at most to that report: a pipeline that stopped"
          + " there is judged where it stopped, not at the wall clock")
  void aWatermarkAheadOfItsReportStopsAtTheReport() {
    Instant stoppedAt = NOW.minus(Duration.ofMinutes(10));

    assertThat(judge(caughtUp(0, NOW), behind(1, NOW.plus(Duration.ofMinutes(50)), stoppedAt)))
        .isEqualTo(stoppedAt);
  }

  @Test
  @DisplayName("a partition behind of which nothing was read yet holds the judgement at 1970")
  void nothingReadHoldsEverythingBack() {
    assertThat(judge(caughtUp(0, NOW), behind(1, null, NOW))).isEqualTo(MonitorClock.NOTHING_READ);
  }
}
