package io.jobwatch.core.job;

import static io.jobwatch.core.Events.activity;
import static io.jobwatch.core.Events.error;
import static io.jobwatch.core.Events.finished;
import static io.jobwatch.core.Events.queued;
import static io.jobwatch.core.Events.requeued;
import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.submitted;
import static io.jobwatch.core.Events.t;
import static io.jobwatch.core.Events.warning;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Events;
import io.jobwatch.core.JobEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Runtime status of a running job")
class RuntimeStatusTest {

  private static JobFold.Result fold(JobEvent... events) {
    return JobFold.fold(List.of(events));
  }

  @Test
  @DisplayName("A status error before the job runs is ignored and leaves the row without an error")
  void statusBeforeRunningIsIgnored() {
    JobFold.Result result =
        fold(submitted("s", 0), queued("q", 1), error("early", 2, 1, "disk full"));

    assertThat(result.ignoredEventIds()).containsExactly("early");
    assertThat(result.row().runtime().error()).isNull();
    assertThat(result.row().runtime().errorSummary()).isNull();
    assertThat(result.row().state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  @DisplayName(
      "Of two errors the first is kept and the second counted: \"first (1 additional error)\"")
  void firstErrorKeptLaterCounted() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            error("e2", 6, 1, "second"),
            error("e1", 3, 1, "first"));
    RuntimeStatus runtime = result.row().runtime();

    assertThat(runtime.error()).isEqualTo("first");
    assertThat(runtime.additionalErrors()).isEqualTo(1);
    assertThat(runtime.errorDetails()).containsExactly("second");
    assertThat(runtime.errorSummary()).isEqualTo("first (1 additional error)");
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName(
      "An empty error, warning or activity (a Go struct without omitempty, jq --arg of an unset"
          + " variable) is no message: the job stays reusable, the real error is the first, and"
          + " the latest real warning and activity stay")
  void emptyMessagesAreAbsent() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            Events.status("p1", 2, 1, "", "", "indexing"),
            Events.status("p2", 3, 1, "", "low disk", ""),
            Events.status("p3", 4, 1, " ", "", ""));

    assertThat(result.row().runtime().error()).isNull();
    assertThat(result.row().runtime().errorSummary()).isNull();
    assertThat(result.row().runtime().additionalErrors()).isZero();
    assertThat(result.row().runtime().warning()).isEqualTo("low disk");
    assertThat(result.row().runtime().activity()).isEqualTo("indexing");
    assertThat(result.row().reusable()).isTrue();

    JobFold.Result failing =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            Events.status("p1", 2, 1, "", "", ""),
            Events.status("p2", 3, 1, "disk full", "", ""),
            Events.status("p3", 4, 1, "", "", ""));

    assertThat(failing.row().runtime().errorSummary()).isEqualTo("disk full");
    assertThat(failing.row().runtime().errorDetails()).isEmpty();
    assertThat(failing.row().reusable()).isFalse();
  }

  @Test
  @DisplayName("The detail list is bounded while the counter keeps counting")
  void detailListIsBounded() {
    List<JobEvent> events = new ArrayList<>(List.of(submitted("s", 0), started("r", 1, 1)));
    IntStream.rangeClosed(1, 25).forEach(i -> events.add(error("e" + i, 10 + i, 1, "error " + i)));
    RuntimeStatus runtime = JobFold.fold(events).row().runtime();

    assertThat(runtime.error()).isEqualTo("error 1");
    assertThat(runtime.additionalErrors()).isEqualTo(24);
    assertThat(runtime.errorDetails())
        .hasSize(RuntimeStatus.MAX_ERROR_DETAILS)
        .startsWith("error 2")
        .endsWith("error 11");
    assertThat(runtime.errorSummary()).isEqualTo("error 1 (24 additional errors)");
  }

  @Test
  @DisplayName(
      "A requeue clears error, warning and activity, so nothing leaks into the next attempt")
  void requeueClearsStatus() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r1", 1, 1),
            Events.status("st", 2, 1, "disk full", "slow mirror", "indexing"),
            requeued("rq", 5, 2),
            started("r2", 6, 2));
    RuntimeStatus runtime = result.row().runtime();

    assertThat(result.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(runtime.error()).isNull();
    assertThat(runtime.warning()).isNull();
    assertThat(runtime.activity()).isNull();
    assertThat(runtime).isEqualTo(RuntimeStatus.EMPTY);
  }

  @Test
  @DisplayName(
      "The latest warning and the latest activity by event time win, whatever the arrival order")
  void latestWarningAndActivityWin() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            warning("w-late", 8, 1, "mirror slow"),
            activity("a-late", 9, 1, "aligning"),
            warning("w-early", 3, 1, "low disk"),
            activity("a-early", 4, 1, "downloading"),
            error("e", 5, 1, "boom"));
    RuntimeStatus runtime = result.row().runtime();

    assertThat(runtime.warning()).isEqualTo("mirror slow");
    assertThat(runtime.warningAt()).isEqualTo(t(8));
    assertThat(runtime.activity()).isEqualTo("aligning");
    assertThat(runtime.activityAt()).isEqualTo(t(9));
    assertThat(runtime.error()).isEqualTo("boom");
  }

  @Test
  @DisplayName("A status in the same instant as the finished event is accepted; a later one is not")
  void statusAtTheFinishInstantIsAccepted() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            finished("f", 7, 1, 2),
            error("same-instant", 7, 1, "out of quota"),
            warning("after", 8, 1, "too late"));

    assertThat(result.row().state()).isEqualTo(JobState.FAILED);
    assertThat(result.row().runtime().error()).isEqualTo("out of quota");
    assertThat(result.row().runtime().warning()).isNull();
    assertThat(result.ignoredEventIds()).containsExactly("after");
  }

  @Test
  @DisplayName(
      "A status stamped within the second of an end stamped in whole seconds (the task's"
          + " millisecond clock beside a runner's sacct End) is of the end's instant: its error is"
          + " kept; one in the next second, or after an end stamped in milliseconds, is not")
  void statusWithinTheSecondOfAWholeSecondEndIsAccepted() {
    JobEvent lastError =
        new JobEvent(
            "last-error",
            t(7).plusMillis(400),
            Events.JOB,
            null,
            new JobChange.Status(1, "out of quota", null, null, null));
    JobEvent nextSecond =
        new JobEvent(
            "next-second",
            t(8).plusMillis(100),
            Events.JOB,
            null,
            new JobChange.Status(1, null, "too late", null, null));
    JobFold.Result wholeSecondEnd =
        fold(submitted("s", 0), started("r", 1, 1), finished("f", 7, 1, 1), lastError, nextSecond);
    JobFold.Result millisecondEnd =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            new JobEvent("f", t(7).plusMillis(300), Events.JOB, null, new JobChange.Finished(1, 1)),
            lastError);
    JobFold.Result cancelledWhileQueued =
        fold(
            submitted("s", 0),
            queued("q", 1),
            new JobEvent("c", t(7), Events.JOB, null, new JobChange.Cancelled(null)),
            lastError);

    assertThat(wholeSecondEnd.row().state()).isEqualTo(JobState.FAILED);
    assertThat(wholeSecondEnd.row().runtime().error()).isEqualTo("out of quota");
    assertThat(wholeSecondEnd.row().runtime().warning()).isNull();
    assertThat(wholeSecondEnd.row().finishedAt()).isEqualTo(t(7));
    assertThat(wholeSecondEnd.ignoredEventIds()).containsExactly("next-second");
    assertThat(millisecondEnd.row().runtime().error()).isNull();
    assertThat(millisecondEnd.ignoredEventIds()).containsExactly("last-error");
    assertThat(cancelledWhileQueued.row().runtime().error()).isNull();
    assertThat(cancelledWhileQueued.ignoredEventIds()).containsExactly("last-error");
  }

  @Test
  @DisplayName("A running job with only a warning is reusable")
  void runningWithWarningIsReusable() {
    JobRow row = fold(submitted("s", 0), started("r", 1, 1), warning("w", 2, 1, "slow")).row();

    assertThat(row.state()).isEqualTo(JobState.RUNNING);
    assertThat(row.reusable()).isTrue();
  }

  @Test
  @DisplayName("A running job that reported an error is not reusable")
  void runningWithErrorIsNotReusable() {
    JobRow row = fold(submitted("s", 0), started("r", 1, 1), error("e", 2, 1, "bad input")).row();

    assertThat(row.state()).isEqualTo(JobState.RUNNING);
    assertThat(row.reusable()).isFalse();
  }

  @Test
  @DisplayName("A succeeded job is reusable, even if it reported an error while running")
  void succeededIsReusable() {
    JobRow row =
        fold(
                submitted("s", 0),
                started("r", 1, 1),
                error("e", 2, 1, "retrying download"),
                finished("f", 3, 1, 0))
            .row();

    assertThat(row.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(row.runtime().error()).isEqualTo("retrying download");
    assertThat(row.reusable()).isTrue();
  }

  @Test
  @DisplayName("Queued, failed and crashed jobs are not reusable")
  void otherStatesAreNotReusable() {
    assertThat(fold(submitted("s", 0), queued("q", 1)).row().reusable()).isFalse();
    assertThat(fold(submitted("s", 0), started("r", 1, 1), finished("f", 2, 1, 1)).row().reusable())
        .isFalse();
    assertThat(
            fold(submitted("s", 0), started("r", 1, 1), finished("f", 2, 1, 137)).row().reusable())
        .isFalse();
  }
}
