package io.jobwatch.core.monitor;

import static io.jobwatch.core.monitor.MonitorFixtures.berlin;
import static io.jobwatch.core.monitor.MonitorFixtures.cron;
import static io.jobwatch.core.monitor.MonitorFixtures.declared;
import static io.jobwatch.core.monitor.MonitorFixtures.event;
import static io.jobwatch.core.monitor.MonitorFixtures.every;
import static io.jobwatch.core.monitor.MonitorFixtures.failed;
import static io.jobwatch.core.monitor.MonitorFixtures.fold;
import static io.jobwatch.core.monitor.MonitorFixtures.running;
import static io.jobwatch.core.monitor.MonitorFixtures.succeeded;
import static io.jobwatch.core.monitor.MonitorFixtures.utc;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.MonitorEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MonitorEvaluatorTest {

  /**
   * The acceptance scenario: daily at 03:00 Berlin, 30 minutes grace, succeeded yesterday 03:05.
   */
  @Nested
  @DisplayName(
      "A daily 03:00 Berlin cron monitor with 30 minutes grace, last success yesterday 03:05")
  class DailyBerlin {
    final MonitorEvent declaration =
        declared(berlin("2026-06-01T12:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
    final MonitorRun yesterday = succeeded(berlin("2026-06-09T03:00"), berlin("2026-06-09T03:05"));

    @Test
    @DisplayName("is up before today's run is due")
    void upBeforeDue() {
      MonitorEvaluation evaluation =
          MonitorEvaluator.evaluate(fold(declaration, yesterday), berlin("2026-06-10T02:59"));

      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-10T03:00"));
    }

    @Test
    @DisplayName("is late at 03:10 without a run")
    void lateWithinGrace() {
      MonitorEvaluation evaluation =
          MonitorEvaluator.evaluate(fold(declaration, yesterday), berlin("2026-06-10T03:10"));

      assertThat(evaluation.status()).isEqualTo(MonitorStatus.LATE);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-10T03:00"));
      assertThat(evaluation.deadline()).isEqualTo(berlin("2026-06-10T03:30"));
    }

    @Test
    @DisplayName("is still late at exactly the 03:30 deadline")
    void lateAtDeadline() {
      assertThat(
              MonitorEvaluator.evaluate(fold(declaration, yesterday), berlin("2026-06-10T03:30"))
                  .status())
          .isEqualTo(MonitorStatus.LATE);
    }

    @Test
    @DisplayName("is down at 03:31 with deadline 03:30, reporting when it was last seen")
    void downPastDeadline() {
      MonitorEvaluation evaluation =
          MonitorEvaluator.evaluate(fold(declaration, yesterday), berlin("2026-06-10T03:31"));

      assertThat(evaluation)
          .isEqualTo(
              new MonitorEvaluation(
                  MonitorStatus.DOWN,
                  berlin("2026-06-10T03:00"),
                  berlin("2026-06-10T03:30"),
                  berlin("2026-06-09T03:05")));
    }

    @Test
    @DisplayName("is up again after a successful run finishing at 03:40, expecting tomorrow 03:00")
    void upAfterLateSuccess() {
      MonitorRun today = succeeded(berlin("2026-06-10T03:35"), berlin("2026-06-10T03:40"));

      MonitorEvaluation evaluation =
          MonitorEvaluator.evaluate(
              fold(declaration, yesterday, today), berlin("2026-06-10T03:41"));

      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-11T03:00"));
      assertThat(evaluation.deadline()).isEqualTo(berlin("2026-06-11T03:30"));
      assertThat(evaluation.lastSeenAt()).isEqualTo(berlin("2026-06-10T03:40"));
    }

    @Test
    @DisplayName("is down at once when today's run fails, even within grace")
    void downAfterFailure() {
      MonitorRun today = failed(berlin("2026-06-10T03:00"), berlin("2026-06-10T03:02"));

      MonitorEvaluation evaluation =
          MonitorEvaluator.evaluate(
              fold(declaration, yesterday, today), berlin("2026-06-10T03:03"));

      assertThat(evaluation.status()).isEqualTo(MonitorStatus.DOWN);
      assertThat(evaluation.lastSeenAt()).isEqualTo(berlin("2026-06-10T03:02"));
    }

    @Test
    @DisplayName("is up again when a success follows the failure")
    void upAfterRetrySucceeds() {
      MonitorRun failure = failed(berlin("2026-06-10T03:00"), berlin("2026-06-10T03:02"));
      MonitorRun retry = succeeded(berlin("2026-06-10T03:10"), berlin("2026-06-10T03:12"));

      assertThat(
              MonitorEvaluator.evaluate(
                      fold(declaration, yesterday, retry, failure), berlin("2026-06-10T03:13"))
                  .status())
          .isEqualTo(MonitorStatus.UP);
    }

    @Test
    @DisplayName("is never late or down while paused, at any time over three days")
    void pausedNeverAlerts() {
      MonitorEvent pause = event(berlin("2026-06-09T12:00"), new MonitorChange.Paused());
      MonitorState state = fold(declaration, yesterday, pause);

      assertStatusEverywhere(state, MonitorStatus.PAUSED);
    }

    @Test
    @DisplayName("is never late or down once retired, at any time over three days")
    void retiredNeverAlerts() {
      MonitorEvent retire = event(berlin("2026-06-09T12:00"), new MonitorChange.Retired());
      MonitorState state =
          fold(declaration, yesterday, failed(null, berlin("2026-06-09T13:00")), retire);

      assertStatusEverywhere(state, MonitorStatus.RETIRED);
    }

    @Test
    @DisplayName("when resumed after a long pause, gets a full period before it is late again")
    void resumeRestartsTheClock() {
      MonitorEvent pause = event(berlin("2026-06-09T12:00"), new MonitorChange.Paused());
      MonitorEvent resume = event(berlin("2026-06-20T09:00"), new MonitorChange.Resumed());

      MonitorEvaluation evaluation =
          MonitorEvaluator.evaluate(
              fold(declaration, yesterday, pause, resume), berlin("2026-06-20T09:01"));

      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-21T03:00"));
    }

    @Test
    @DisplayName(
        "when declared again months after it was retired, gets a full period, as a resume does")
    void reactivationRestartsTheClock() {
      MonitorEvent retire = event(berlin("2026-06-09T12:00"), new MonitorChange.Retired());
      MonitorEvent again =
          declared(berlin("2026-11-10T12:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
      MonitorState state = fold(declaration, yesterday, retire, again);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-11-10T12:01"));
      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-11-11T03:00"));
      // ... and is down once that first period passes without a run.
      assertThat(MonitorEvaluator.evaluate(state, berlin("2026-11-11T03:31")).status())
          .isEqualTo(MonitorStatus.DOWN);
      // Any order of the same events folds to the same state.
      assertThat(fold(again, retire, yesterday, declaration)).isEqualTo(state);
    }

    @Test
    @DisplayName(
        "when paused, then retired (the script is gone for good), then declared again months"
            + " later, is watched again: its old pause ended with the retirement")
    void reactivationEndsAPauseBeforeTheRetirement() {
      MonitorEvent pause = event(berlin("2026-06-09T12:00"), new MonitorChange.Paused());
      MonitorEvent retire = event(berlin("2026-06-10T12:00"), new MonitorChange.Retired());
      MonitorEvent again =
          declared(berlin("2026-11-10T12:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
      MonitorState state = fold(declaration, yesterday, pause, retire, again);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-11-10T12:01"));
      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-11-11T03:00"));
      assertThat(state.paused()).isFalse();
      assertThat(MonitorEvaluator.evaluate(state, berlin("2026-11-11T03:31")).status())
          .as("a missed first run of the re-declared monitor pages")
          .isEqualTo(MonitorStatus.DOWN);
      // Any order of the same events folds to the same state.
      assertThat(fold(again, retire, pause, yesterday, declaration)).isEqualTo(state);
      assertThat(fold(declaration, again, pause, yesterday, retire)).isEqualTo(state);
      // Retired meanwhile, it shows retired; a pause after the re-declaration pauses it again.
      assertThat(
              MonitorEvaluator.evaluate(
                      fold(declaration, pause, retire), berlin("2026-06-11T12:00"))
                  .status())
          .isEqualTo(MonitorStatus.RETIRED);
      MonitorEvent pauseAgain = event(berlin("2026-11-12T12:00"), new MonitorChange.Paused());
      assertThat(
              MonitorEvaluator.evaluate(
                      fold(declaration, yesterday, pause, retire, again, pauseAgain),
                      berlin("2026-11-13T12:00"))
                  .status())
          .isEqualTo(MonitorStatus.PAUSED);
    }

    @Test
    @DisplayName(
        "moved from 03:00 to 05:00 at 14:00 after today's run: next expected tomorrow at 05:00,"
            + " not down for today's 05:00 that the new schedule never had")
    void scheduleMovedLaterInTheDay() {
      MonitorRun today = succeeded(berlin("2026-06-10T03:00"), berlin("2026-06-10T03:05"));
      MonitorEvent moved =
          declared(berlin("2026-06-10T14:00"), cron("0 5 * * *"), Duration.ofMinutes(30), null);
      MonitorState state = fold(declaration, yesterday, today, moved);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-06-10T14:01"));
      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-11T05:00"));
      assertThat(evaluation.deadline()).isEqualTo(berlin("2026-06-11T05:30"));
      assertThat(MonitorEvaluator.evaluate(state, berlin("2026-06-11T05:31")).status())
          .as("a missed run of the new schedule pages")
          .isEqualTo(MonitorStatus.DOWN);
      // Declarations read out of order (publishers' clocks, a re-sent declaration) agree.
      assertThat(fold(moved, today, declaration, yesterday)).isEqualTo(state);
      assertThat(fold(yesterday, moved, declaration, today)).isEqualTo(state);
    }

    @Test
    @DisplayName(
        "the same schedule declared again (monitors apply on every deploy) moves nothing: a"
            + " missed run still pages at its deadline")
    void sameScheduleDeclaredAgainMovesNothing() {
      MonitorEvent moved =
          declared(berlin("2026-06-09T14:00"), cron("0 5 * * *"), Duration.ofMinutes(30), null);
      MonitorEvent reapplied =
          declared(berlin("2026-06-10T06:00"), cron("0 5 * * *"), Duration.ofMinutes(30), null);
      MonitorState state = fold(declaration, yesterday, moved, reapplied);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-06-10T06:01"));
      assertThat(evaluation.status())
          .as("today's 05:00 run of the schedule declared yesterday was missed")
          .isEqualTo(MonitorStatus.DOWN);
      assertThat(evaluation.deadline()).isEqualTo(berlin("2026-06-10T05:30"));
      assertThat(fold(reapplied, moved, yesterday, declaration)).isEqualTo(state);
      // Another change of the grace alone keeps a down monitor down, as before.
      MonitorEvent graceOnly =
          declared(berlin("2026-06-10T06:05"), cron("0 5 * * *"), Duration.ofHours(2), null);
      assertThat(
              MonitorEvaluator.evaluate(
                      fold(declaration, yesterday, moved, reapplied, graceOnly),
                      berlin("2026-06-10T08:01"))
                  .status())
          .isEqualTo(MonitorStatus.DOWN);
    }

    @Test
    @DisplayName(
        "a monitor that never ran, declared again with the same schedule (a deploy's"
            + " re-declaration) while late: still down at the first declaration's deadline")
    void sameScheduleDeclaredAgainKeepsANeverRunMonitorsDeadline() {
      MonitorEvent first =
          declared(utc("2026-06-10T10:00:00Z"), every("PT1H"), Duration.ofMinutes(10), null);
      MonitorEvent deploy =
          declared(utc("2026-06-10T11:05:00Z"), every("PT1H"), Duration.ofMinutes(10), null);
      MonitorState state = fold(first, deploy);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, utc("2026-06-10T11:11:00Z"));
      assertThat(evaluation.status())
          .as("the script never ran: its first expected run, 11:00, was missed")
          .isEqualTo(MonitorStatus.DOWN);
      assertThat(evaluation.expectedAt()).isEqualTo(utc("2026-06-10T11:00:00Z"));
      assertThat(evaluation.deadline()).isEqualTo(utc("2026-06-10T11:10:00Z"));
      assertThat(fold(deploy, first)).isEqualTo(state);
      // A declaration an older jar folded (rolled back on the V26 schema: it writes neither
      // column) is not among the kept ones: the latest declaration judges, as before V26.
      MonitorState rolledBack =
          fold(first)
              .withDeclaration(
                  new MonitorChange.Declared(
                      "storage", every("PT4H"), Duration.ofMinutes(10), null),
                  utc("2026-06-10T12:00:00Z"),
                  false);
      assertThat(MonitorEvaluator.evaluate(rolledBack, utc("2026-06-10T14:11:00Z")).expectedAt())
          .isEqualTo(utc("2026-06-10T16:00:00Z"));
      // A changed schedule is still judged from its declaration.
      MonitorEvent changed =
          declared(utc("2026-06-10T11:05:00Z"), every("PT2H"), Duration.ofMinutes(10), null);
      assertThat(
              MonitorEvaluator.evaluate(fold(first, changed), utc("2026-06-10T11:11:00Z"))
                  .expectedAt())
          .isEqualTo(utc("2026-06-10T13:05:00Z"));
    }

    @Test
    @DisplayName(
        "the same schedule written another way (@daily for 0 0 * * *, Etc/UTC for UTC, spacing)"
            + " is no change: a missed run still pages")
    void sameScheduleWrittenAnotherWayIsNoChange() {
      MonitorEvent midnight =
          declared(
              utc("2026-06-01T12:00:00Z"),
              new MonitorChange.Schedule.Cron("0 0 * * *", java.time.ZoneId.of("UTC")),
              Duration.ofMinutes(30),
              null);
      MonitorRun ran = succeeded(utc("2026-06-09T00:00:00Z"), utc("2026-06-09T00:05:00Z"));
      MonitorEvent nickname =
          declared(
              utc("2026-06-10T06:00:00Z"),
              new MonitorChange.Schedule.Cron("@daily", java.time.ZoneId.of("Etc/UTC")),
              Duration.ofMinutes(30),
              null);
      MonitorEvent spaced =
          declared(
              utc("2026-06-10T07:00:00Z"),
              new MonitorChange.Schedule.Cron("0  0 * *  *", java.time.ZoneId.of("Etc/UTC")),
              Duration.ofMinutes(30),
              null);
      MonitorState state = fold(midnight, ran, nickname, spaced);

      assertThat(state.scheduleReplacedAt()).isNull();
      assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T07:01:00Z")).status())
          .as("today's midnight run was missed whatever way the schedule is written")
          .isEqualTo(MonitorStatus.DOWN);
    }

    @Test
    @DisplayName(
        "a schedule changed back and forth: judged from the last change, whatever order the"
            + " declarations are read in")
    void scheduleChangedBackAndForth() {
      MonitorEvent hourly =
          declared(berlin("2026-06-09T10:00"), every("PT1H"), Duration.ofMinutes(5), null);
      MonitorEvent daily =
          declared(berlin("2026-06-09T12:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
      MonitorEvent dailyAgain =
          declared(berlin("2026-06-09T13:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
      MonitorState state = fold(declaration, yesterday, hourly, daily, dailyAgain);

      assertThat(state.scheduleChangedAt()).isEqualTo(berlin("2026-06-09T12:00"));
      assertThat(MonitorEvaluator.evaluate(state, berlin("2026-06-10T03:31")).status())
          .isEqualTo(MonitorStatus.DOWN);
      assertThat(state.scheduleReplacedAt()).isEqualTo(berlin("2026-06-09T10:00"));
      // Read backwards, or in any other order, the same.
      assertThat(fold(dailyAgain, daily, hourly, yesterday, declaration)).isEqualTo(state);
      assertThat(fold(hourly, dailyAgain, declaration, yesterday, daily)).isEqualTo(state);
      // Without the 12:00 declaration, the first daily one after the hourly one is 13:00's,
      // whether the hourly one is read before it or late.
      MonitorState partly = fold(declaration, yesterday, dailyAgain, hourly);
      assertThat(partly.scheduleChangedAt()).isEqualTo(berlin("2026-06-09T13:00"));
      assertThat(partly.scheduleReplacedAt()).isEqualTo(berlin("2026-06-09T10:00"));
      assertThat(fold(dailyAgain, hourly, declaration, yesterday)).isEqualTo(partly);
    }

    @Test
    @DisplayName(
        "when retired while its last run failed and declared again months later, comes back"
            + " fresh: not down for January's failure, down for the next one")
    void reactivationForgetsOldFailure() {
      MonitorRun failure = failed(berlin("2026-06-10T03:00"), berlin("2026-06-10T03:02"));
      MonitorEvent retire = event(berlin("2026-06-10T12:00"), new MonitorChange.Retired());
      MonitorEvent again =
          declared(berlin("2026-11-10T12:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
      MonitorState state = fold(declaration, yesterday, failure, retire, again);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-11-10T12:01"));
      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-11-11T03:00"));
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
      // A run that fails after it came back is down at once again.
      MonitorState failingAgain =
          fold(
              declaration,
              yesterday,
              failure,
              retire,
              again,
              failed(berlin("2026-11-11T03:00"), berlin("2026-11-11T03:01")));
      assertThat(MonitorEvaluator.evaluate(failingAgain, berlin("2026-11-11T03:02")).status())
          .isEqualTo(MonitorStatus.DOWN);
    }

    @Test
    @DisplayName(
        "re-activated once, then failing (down, paging), stays down when a later declaration"
            + " changes its grace: only the retirement bounds the failures it forgets")
    void redeclarationOfADownMonitorKeepsItDown() {
      MonitorEvent retire = event(berlin("2026-06-10T12:00"), new MonitorChange.Retired());
      MonitorEvent again =
          declared(berlin("2026-11-10T12:00"), cron("0 3 * * *"), Duration.ofMinutes(30), null);
      MonitorRun failure = failed(berlin("2026-11-11T03:00"), berlin("2026-11-11T03:02"));
      MonitorEvent graceChanged =
          declared(berlin("2026-11-11T09:00"), cron("0 3 * * *"), Duration.ofMinutes(45), null);
      MonitorState state = fold(declaration, yesterday, retire, again, failure, graceChanged);

      assertThat(MonitorEvaluator.evaluate(state, berlin("2026-11-11T09:01")).status())
          .as("the last run failed and nothing succeeded since")
          .isEqualTo(MonitorStatus.DOWN);
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isEqualTo(1);
    }

    @Test
    @DisplayName(
        "when paused while its last run failed and resumed, waits for the next run or deadline"
            + " instead of paging at once for the failure it was paused for")
    void resumeForgetsFailureBeforeIt() {
      MonitorRun failure = failed(berlin("2026-06-10T03:00"), berlin("2026-06-10T03:02"));
      MonitorEvent pause = event(berlin("2026-06-10T09:00"), new MonitorChange.Paused());
      MonitorEvent resume = event(berlin("2026-06-12T09:00"), new MonitorChange.Resumed());
      MonitorState state = fold(declaration, yesterday, failure, pause, resume);

      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-06-12T09:01"));
      assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
      assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-13T03:00"));
      assertThat(MonitorEvaluator.evaluate(state, berlin("2026-06-13T03:31")).status())
          .isEqualTo(MonitorStatus.DOWN);
    }

    private void assertStatusEverywhere(MonitorState state, MonitorStatus expected) {
      for (Instant now = berlin("2026-06-09T00:00");
          now.isBefore(berlin("2026-06-12T00:00"));
          now = now.plus(Duration.ofMinutes(7))) {
        MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, now);
        assertThat(evaluation.status()).as("status at %s", now).isEqualTo(expected);
        assertThat(evaluation.deadline()).as("deadline at %s", now).isNull();
      }
    }
  }

  @Test
  @DisplayName(
      "A daily 02:30 Berlin cron is expected at 03:30 summer time on the spring-forward day")
  void springForwardGapMovesTheFireTimeForward() {
    MonitorState state =
        fold(
            declared(berlin("2026-03-01T12:00"), cron("30 2 * * *"), Duration.ofMinutes(15), null),
            succeeded(berlin("2026-03-28T02:30"), berlin("2026-03-28T02:31")));

    MonitorEvaluation atThree = MonitorEvaluator.evaluate(state, utc("2026-03-29T01:00:00Z"));
    MonitorEvaluation atFour = MonitorEvaluator.evaluate(state, utc("2026-03-29T02:00:00Z"));

    assertThat(atThree.expectedAt()).isEqualTo(utc("2026-03-29T01:30:00Z")); // 03:30 CEST
    assertThat(atThree.status()).isEqualTo(MonitorStatus.UP);
    assertThat(atFour.deadline()).isEqualTo(utc("2026-03-29T01:45:00Z"));
    assertThat(atFour.status()).isEqualTo(MonitorStatus.DOWN);
  }

  @Test
  @DisplayName(
      "A daily 02:30 Berlin cron that ran on the spring-forward day next expects 02:30 the day after")
  void springForwardDayRunCounts() {
    MonitorState state =
        fold(
            declared(berlin("2026-03-01T12:00"), cron("30 2 * * *"), Duration.ofMinutes(15), null),
            succeeded(utc("2026-03-29T01:00:00Z"), utc("2026-03-29T01:05:00Z")));

    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, utc("2026-03-29T12:00:00Z"));

    assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
    assertThat(evaluation.expectedAt()).isEqualTo(utc("2026-03-30T00:30:00Z")); // 02:30 CEST
  }

  @Test
  @DisplayName("An every PT1H monitor is new, then late, then down if it never runs")
  void everyHourNeverRun() {
    MonitorState state =
        fold(declared(utc("2026-06-10T10:00:00Z"), every("PT1H"), Duration.ofMinutes(10), null));

    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:30:00Z")).status())
        .isEqualTo(MonitorStatus.NEW);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T11:05:00Z")).status())
        .isEqualTo(MonitorStatus.LATE);
    MonitorEvaluation down = MonitorEvaluator.evaluate(state, utc("2026-06-10T11:11:00Z"));
    assertThat(down.status()).isEqualTo(MonitorStatus.DOWN);
    assertThat(down.deadline()).isEqualTo(utc("2026-06-10T11:10:00Z"));
    assertThat(down.lastSeenAt()).isNull();
  }

  @Test
  @DisplayName("An every PT1H monitor expects its next success one hour after the last one")
  void everyHourAfterSuccess() {
    MonitorState state =
        fold(
            declared(utc("2026-06-10T10:00:00Z"), every("PT1H"), Duration.ofMinutes(10), null),
            succeeded(utc("2026-06-10T11:15:00Z"), utc("2026-06-10T11:20:00Z")));

    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, utc("2026-06-10T12:00:00Z"));

    assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
    assertThat(evaluation.expectedAt()).isEqualTo(utc("2026-06-10T12:20:00Z"));
    assertThat(evaluation.deadline()).isEqualTo(utc("2026-06-10T12:30:00Z"));
  }

  @Test
  @DisplayName("A run still going after max runtime is overrun, and not before")
  void overrun() {
    MonitorState state =
        fold(
            declared(
                utc("2026-06-10T09:00:00Z"),
                every("PT1H"),
                Duration.ofMinutes(30),
                Duration.ofMinutes(15)),
            succeeded(utc("2026-06-10T09:00:00Z"), utc("2026-06-10T09:05:00Z")),
            running(utc("2026-06-10T09:50:00Z")));

    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:05:00Z")).status())
        .isEqualTo(MonitorStatus.UP);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:06:00Z")).status())
        .isEqualTo(MonitorStatus.OVERRUN);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:35:00Z")).status())
        .as("still overrun up to the deadline (10:05 + 30 minutes)")
        .isEqualTo(MonitorStatus.OVERRUN);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T11:00:00Z")).status())
        .as("past the deadline the hanging run pages: down, not the overrun ticket")
        .isEqualTo(MonitorStatus.DOWN);
  }

  @Test
  @DisplayName(
      "A daily script whose run hangs is down from its deadline on and stays down when the run"
          + " passes max runtime: the page never turns into the overrun ticket")
  void hangingRunPastTheDeadlineStaysDown() {
    MonitorState state =
        fold(
            declared(
                utc("2026-06-01T00:00:00Z"),
                every("P1D"),
                Duration.ofMinutes(30),
                Duration.ofHours(2)),
            succeeded(utc("2026-06-09T02:00:00Z"), utc("2026-06-09T02:10:00Z")),
            running(utc("2026-06-10T02:00:00Z")));

    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T02:05:00Z")).status())
        .isEqualTo(MonitorStatus.UP);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T02:41:00Z")).status())
        .isEqualTo(MonitorStatus.DOWN);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T04:11:00Z")).status())
        .as("over max runtime and past the deadline")
        .isEqualTo(MonitorStatus.DOWN);
  }

  @Test
  @DisplayName(
      "Overlapping runs (every 5 minutes, 7 minutes each): a run is running until a run started"
          + " after it finishes, and one that hangs is overrun")
  void overlappingRunHangs() {
    MonitorEvent declaration =
        declared(
            utc("2026-06-10T09:00:00Z"),
            every("PT5M"),
            // A grace long enough that no deadline passes here: past one the monitor is down.
            Duration.ofMinutes(10),
            Duration.ofMinutes(10));
    MonitorRun first = job("j1", "2026-06-10T10:00:00Z", "2026-06-10T10:07:00Z", true);
    // j2 starts at 10:05, while j1 still runs, and is killed without a word (OOM killer).
    MonitorRun hung = job("j2", "2026-06-10T10:05:00Z", null, null);
    MonitorRun third = job("j3", "2026-06-10T10:10:00Z", null, null);

    MonitorState afterFirst = fold(declaration, hung, first);
    assertThat(afterFirst.isRunning()).as("j2 still runs after j1 finished").isTrue();
    assertThat(afterFirst.lastStartAt()).isEqualTo(utc("2026-06-10T10:05:00Z"));

    MonitorState state = fold(declaration, hung, first, third);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:15:00Z")).status())
        .as("10 minutes is not more than max runtime")
        .isNotEqualTo(MonitorStatus.OVERRUN);
    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:16:00Z")).status())
        .as("j2 has run 11 minutes and no run started after it has finished")
        .isEqualTo(MonitorStatus.OVERRUN);
    // j3, started after j2, finishes: the script works again, as with a run that never reports.
    MonitorState recovered =
        fold(
            declaration,
            hung,
            first,
            third,
            job("j3", "2026-06-10T10:10:00Z", "2026-06-10T10:17:00Z", true));
    assertThat(recovered.isRunning()).isFalse();
    assertThat(MonitorEvaluator.evaluate(recovered, utc("2026-06-10T10:18:00Z")).status())
        .isEqualTo(MonitorStatus.UP);
    // Any order of the same observations folds to the same state.
    assertThat(fold(third, first, hung, declaration)).isEqualTo(state);
  }

  private static MonitorRun job(String jobId, String startedAt, String finishedAt, Boolean ok) {
    return new MonitorRun(
        jobId, 1, utc(startedAt), finishedAt == null ? null : utc(finishedAt), ok);
  }

  @Test
  @DisplayName(
      "A run that hung before a pause (killed -9, no finish) is not overrun after the resume: the"
          + " resumed monitor comes back fresh, and a run started after the resume still overruns")
  void runHungBeforeAPauseIsNotOverrunAfterTheResume() {
    MonitorEvent declaration =
        declared(
            berlin("2026-06-01T12:00"),
            cron("0 3 * * *"),
            Duration.ofMinutes(30),
            Duration.ofHours(1));
    MonitorRun yesterday =
        new MonitorRun("j1", 1, berlin("2026-06-09T03:00"), berlin("2026-06-09T03:05"), true);
    MonitorRun hung = new MonitorRun("j2", 1, berlin("2026-06-10T03:00"), null, null);
    MonitorEvent pause = event(berlin("2026-06-10T03:40"), new MonitorChange.Paused());
    MonitorEvent resume = event(berlin("2026-06-10T09:00"), new MonitorChange.Resumed());
    MonitorState state = fold(declaration, yesterday, hung, pause, resume);

    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, berlin("2026-06-10T09:01"));
    assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
    assertThat(evaluation.expectedAt()).isEqualTo(berlin("2026-06-11T03:00"));
    assertThat(MonitorEvaluator.evaluate(state, berlin("2026-06-11T03:31")).status())
        .as("its next deadline judges it")
        .isEqualTo(MonitorStatus.DOWN);
    MonitorRun byHand = new MonitorRun("j3", 1, berlin("2026-06-10T10:00"), null, null);
    assertThat(
            MonitorEvaluator.evaluate(
                    fold(declaration, yesterday, hung, pause, resume, byHand),
                    berlin("2026-06-10T11:01"))
                .status())
        .as("a run started after the resume, running longer than max runtime")
        .isEqualTo(MonitorStatus.OVERRUN);

    // Retired with the hung run, declared again months later: not overrun either.
    MonitorEvent retire = event(berlin("2026-06-10T04:00"), new MonitorChange.Retired());
    MonitorEvent again =
        declared(
            berlin("2026-11-10T12:00"),
            cron("0 3 * * *"),
            Duration.ofMinutes(30),
            Duration.ofHours(1));
    assertThat(
            MonitorEvaluator.evaluate(
                    fold(declaration, yesterday, hung, retire, again), berlin("2026-11-10T12:01"))
                .status())
        .isEqualTo(MonitorStatus.UP);
  }

  @Test
  @DisplayName("A long run is not overrun when no max runtime is declared")
  void noMaxRuntimeNoOverrun() {
    MonitorState state =
        fold(
            declared(utc("2026-06-10T09:00:00Z"), every("PT1H"), Duration.ofMinutes(30), null),
            running(utc("2026-06-10T09:10:00Z")));

    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T09:59:00Z")).status())
        .isEqualTo(MonitorStatus.UP);
  }

  @Test
  @DisplayName("A monitor that only reported runs and was never declared is not evaluated")
  void undeclaredIsNotEvaluated() {
    MonitorState state = fold(succeeded(utc("2026-06-10T09:00:00Z"), utc("2026-06-10T09:05:00Z")));

    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T10:00:00Z"))).isNull();
  }

  @Test
  @DisplayName("A monitor re-declared after its retirement is evaluated again")
  void redeclaredAfterRetirement() {
    MonitorState state =
        fold(
            declared(utc("2026-06-01T00:00:00Z"), every("P1D"), Duration.ofHours(1), null),
            event(utc("2026-06-05T00:00:00Z"), new MonitorChange.Retired()),
            declared(utc("2026-06-10T00:00:00Z"), every("P1D"), Duration.ofHours(1), null));

    assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T01:00:00Z")).status())
        .isEqualTo(MonitorStatus.NEW);
  }

  @Nested
  @DisplayName(
      "While a backlog drains (judged at the stream's watermark), an hourly monitor that succeeded"
          + " at 07:00 and failed at 08:00")
  class FailureReadAheadOfTheWatermark {
    final MonitorState state =
        fold(
            declared(utc("2026-06-10T05:00:00Z"), every("PT1H"), Duration.ofMinutes(10), null),
            succeeded(utc("2026-06-10T06:55:00Z"), utc("2026-06-10T07:00:00Z")),
            failed(utc("2026-06-10T07:55:00Z"), utc("2026-06-10T08:00:00Z")));

    @Test
    @DisplayName("is up as of 07:30: the success after the failure may still be unread")
    void upBeforeTheFailure() {
      assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T07:30:00Z"), true).status())
          .isEqualTo(MonitorStatus.UP);
    }

    @Test
    @DisplayName("is down as of 08:05, once the judgement has passed the failure")
    void downOnceTheJudgementPassesIt() {
      assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T08:05:00Z"), true).status())
          .isEqualTo(MonitorStatus.DOWN);
    }

    @Test
    @DisplayName("is down at 07:30 when caught up: every run read counts, even one timed ahead")
    void caughtUpEveryRunCounts() {
      assertThat(MonitorEvaluator.evaluate(state, utc("2026-06-10T07:30:00Z"), false).status())
          .isEqualTo(MonitorStatus.DOWN);
    }

    @Test
    @DisplayName("is up as of 07:30 after a success read after the failure: the recovery counts")
    void recoveryReadAfterTheJudgementCounts() {
      MonitorState recovered =
          MonitorFold.observeRun(
              state,
              MonitorFixtures.MONITOR,
              succeeded(utc("2026-06-10T08:55:00Z"), utc("2026-06-10T09:00:00Z")));
      assertThat(MonitorEvaluator.evaluate(recovered, utc("2026-06-10T07:30:00Z"), true).status())
          .isEqualTo(MonitorStatus.UP);
    }

    @Test
    @DisplayName(
        "is down as of 07:30 when every kept run finished after it and the window is full: what"
            + " it read before is gone")
    void fullWindowAfterTheJudgementKeepsTheRunsRead() {
      MonitorState many = state;
      for (int minute = 0; minute < FinishedRun.KEPT; minute++) {
        Instant start = utc("2026-06-10T08:01:00Z").plus(Duration.ofMinutes(minute));
        many =
            MonitorFold.observeRun(
                many, MonitorFixtures.MONITOR, failed(start, start.plusSeconds(30)));
      }
      assertThat(MonitorEvaluator.evaluate(many, utc("2026-06-10T07:30:00Z"), true).status())
          .isEqualTo(MonitorStatus.DOWN);
    }
  }
}
