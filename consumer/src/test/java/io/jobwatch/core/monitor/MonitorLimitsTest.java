package io.jobwatch.core.monitor;

import static io.jobwatch.core.monitor.MonitorFixtures.declared;
import static io.jobwatch.core.monitor.MonitorFixtures.every;
import static io.jobwatch.core.monitor.MonitorFixtures.fold;
import static io.jobwatch.core.monitor.MonitorFixtures.running;
import static io.jobwatch.core.monitor.MonitorFixtures.succeeded;
import static io.jobwatch.core.monitor.MonitorFixtures.utc;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Monitor arithmetic with extreme but valid values")
class MonitorLimitsTest {
  private static final Duration LONGEST = MonitorLimits.MAX_DURATION;

  @Test
  @DisplayName("every=P366D declared in December 9999 has no expected time, and nothing overflows")
  void everyLongestNearYear9999() {
    MonitorState state =
        fold(declared(utc("9999-12-01T00:00:00Z"), every("P366D"), LONGEST, LONGEST));

    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, utc("9999-12-31T23:59:59Z"));

    assertThat(evaluation.status()).isEqualTo(MonitorStatus.NEW);
    assertThat(evaluation.expectedAt()).isNull();
    assertThat(evaluation.deadline()).isNull();
  }

  @Test
  @DisplayName("an expected time within year 9999 whose deadline is past it keeps no deadline")
  void deadlineBeyondYear9999IsNever() {
    MonitorState state =
        fold(
            declared(utc("9999-01-01T00:00:00Z"), every("P300D"), LONGEST, null),
            succeeded(utc("9999-01-01T00:00:00Z"), utc("9999-01-01T00:00:01Z")));

    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, utc("9999-12-31T00:00:00Z"));

    assertThat(evaluation.expectedAt()).isEqualTo(utc("9999-10-28T00:00:01Z"));
    assertThat(evaluation.deadline()).isNull();
    assertThat(evaluation.status()).isEqualTo(MonitorStatus.LATE);
  }

  @Test
  @DisplayName("a run started in year 1 and evaluated in year 9999 is overrun, without overflow")
  void overrunAcrossTheWholeRange() {
    MonitorState state =
        fold(
            declared(utc("0001-01-01T00:00:00Z"), every("P366D"), LONGEST, LONGEST),
            running(utc("0001-01-02T00:00:00Z")));

    assertThat(MonitorEvaluator.evaluate(state, utc("9999-12-31T23:59:59Z")).status())
        .as("past its deadline: down, which wins over overrun")
        .isEqualTo(MonitorStatus.DOWN);

    // Declared in the last year: its deadline is beyond the range ("never"), so the run that has
    // gone on since year 1 is judged by max runtime alone.
    MonitorState lateDeclared =
        fold(
            declared(utc("9999-06-01T00:00:00Z"), every("P366D"), LONGEST, LONGEST),
            running(utc("0001-01-02T00:00:00Z")));
    MonitorEvaluation evaluation =
        MonitorEvaluator.evaluate(lateDeclared, utc("9999-12-31T23:59:59Z"));
    assertThat(evaluation.deadline()).isNull();
    assertThat(evaluation.status()).isEqualTo(MonitorStatus.OVERRUN);
  }

  @Test
  @DisplayName("a cron schedule near the end of year 9999 has no next fire time within range")
  void cronNearYear9999() {
    Schedule everyMinute = new Schedule.Cron("* * * * *", ZoneOffset.UTC);

    assertThat(MonitorSchedules.nextAfter(everyMinute, utc("9999-12-31T23:58:00Z")))
        .isEqualTo(utc("9999-12-31T23:59:00Z"));
    MonitorState state = fold(declared(utc("9999-12-31T23:59:30Z"), everyMinute, LONGEST, LONGEST));
    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, utc("9999-12-31T23:59:59Z"));
    assertThat(evaluation.expectedAt()).isNull();
    assertThat(evaluation.status()).isEqualTo(MonitorStatus.NEW);
  }

  @Test
  @DisplayName(
      "a stored interval beyond the bound (an older row) evaluates to 'never', not a crash")
  void oversizedStoredIntervalIsNever() {
    Duration huge = Duration.ofDays(9_999_999_999_999L);

    assertThat(MonitorSchedules.nextAfter(new Schedule.Every(huge), Instant.EPOCH)).isNull();
    assertThat(MonitorLimits.plusOrNever(Instant.EPOCH, huge)).isNull();
  }

  @Test
  @DisplayName("366 days is within bounds, one millisecond more is not")
  void boundIsInclusive() {
    assertThat(MonitorLimits.isWithinBounds(Duration.ofDays(366))).isTrue();
    assertThat(MonitorLimits.isWithinBounds(Duration.ofDays(366).plusMillis(1))).isFalse();
    assertThat(MonitorLimits.isWithinBounds(Duration.ofSeconds(-1))).isFalse();
  }

  /** The rule as documented, with Duration.between (exact, but slow for spans this long). */
  private static Instant plusOrNeverReference(Instant at, Duration duration) {
    if (at == null || at.isAfter(MonitorLimits.LATEST)) {
      return null;
    }
    return duration.compareTo(Duration.between(at, MonitorLimits.LATEST)) > 0
        ? null
        : at.plus(duration);
  }

  @Test
  @DisplayName("at + duration or never agrees with the Duration.between rule, nanoseconds included")
  void plusOrNeverAgreesWithTheReference() {
    java.util.Random random = new java.util.Random(3);
    Instant[] ats = {
      Instant.MIN,
      Instant.EPOCH,
      utc("2026-11-29T19:47:26Z"),
      MonitorLimits.LATEST,
      MonitorLimits.LATEST.minusNanos(1),
      MonitorLimits.LATEST.plusNanos(1),
      MonitorLimits.LATEST.minus(LONGEST),
      MonitorLimits.LATEST.minus(LONGEST).minusNanos(1),
      MonitorLimits.LATEST.minus(LONGEST).plusNanos(1)
    };
    Duration[] durations = {
      Duration.ZERO, Duration.ofNanos(1), LONGEST, LONGEST.plusNanos(1), Duration.ofDays(9_999_999)
    };
    for (Instant at : ats) {
      for (Duration duration : durations) {
        assertThat(MonitorLimits.plusOrNever(at, duration))
            .as("%s + %s", at, duration)
            .isEqualTo(plusOrNeverReference(at, duration));
      }
    }
    for (int i = 0; i < 10_000; i++) {
      Instant at =
          Instant.ofEpochSecond(
              random.nextLong(-62_135_596_800L, MonitorLimits.LATEST.getEpochSecond() + 10),
              random.nextInt(1_000_000_000));
      Duration duration = Duration.ofSeconds(random.nextLong(0, 40_000_000L), random.nextInt());
      assertThat(MonitorLimits.plusOrNever(at, duration))
          .as("%s + %s", at, duration)
          .isEqualTo(plusOrNeverReference(at, duration));
    }
  }
}
