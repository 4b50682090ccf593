package io.jobwatch.core;

import static io.jobwatch.core.Events.JOB;
import static io.jobwatch.core.Events.SERVICE;
import static io.jobwatch.core.Events.failure;
import static io.jobwatch.core.Events.finished;
import static io.jobwatch.core.Events.ok;
import static io.jobwatch.core.Events.stage;
import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.status;
import static io.jobwatch.core.Events.submitted;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorRun;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.core.stage.StageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Clock skew: event times far ahead of the record timestamp are bounded")
class ClockSkewTest {
  private static final ClockSkew FIVE_MINUTES = new ClockSkew(Duration.ofMinutes(5));
  private static final Duration HOUR = Duration.ofHours(1);

  private static StageEvent stageOk(String id, Instant time) {
    return new StageEvent(
        id, time, new StageKey(SERVICE, Events.RUNNER, "check_status"), new StageReport.Ok());
  }

  @Test
  @DisplayName("An event more than the tolerance ahead of its record is re-timed to the record")
  void aheadBeyondToleranceIsRetimed() {
    Instant record = t(0);
    StageEvent fast = stageOk("e1", record.plus(Duration.ofMinutes(5)).plusMillis(1));

    Event bounded = FIVE_MINUTES.bound(fast, record);

    assertThat(bounded.time()).isEqualTo(record);
    assertThat(bounded).isEqualTo(fast.withTime(record));
    assertThat(((StageEvent) bounded).key()).isEqualTo(fast.key());
    assertThat(bounded.id()).isEqualTo("e1");
  }

  @Test
  @DisplayName("An event exactly at the tolerance, or behind its record, keeps its own time")
  void withinToleranceOrLateKeepsItsTime() {
    Instant record = t(0);
    StageEvent atLimit = stageOk("e1", record.plus(Duration.ofMinutes(5)));
    StageEvent fromSpool = stageOk("e2", record.minus(Duration.ofHours(6)));

    assertThat(FIVE_MINUTES.bound(atLimit, record)).isSameAs(atLimit);
    assertThat(FIVE_MINUTES.bound(fromSpool, record)).isSameAs(fromSpool);
    assertThat(FIVE_MINUTES.isAhead(fromSpool.time(), record)).isFalse();
  }

  @Test
  @DisplayName("A record without a timestamp bounds nothing; a zero tolerance bounds any lead")
  void noTimestampAndZeroTolerance() {
    StageEvent ahead = stageOk("e1", t(3600));
    assertThat(FIVE_MINUTES.bound(ahead, null)).isSameAs(ahead);
    assertThat(new ClockSkew(Duration.ZERO).bound(stageOk("e2", t(1)), t(0)).time())
        .isEqualTo(t(0));
  }

  @Test
  @DisplayName("Extreme event times are compared without overflow")
  void extremeTimes() {
    assertThat(FIVE_MINUTES.isAhead(Instant.MAX, Instant.MIN.plusSeconds(1))).isTrue();
    assertThat(FIVE_MINUTES.isAhead(Instant.MIN, Instant.MAX)).isFalse();
  }

  @Test
  @DisplayName(
      "A future stage.ok from a fast runner clock does not hide an hour of real stage errors")
  void futureOkDoesNotHideErrors() {
    StageKey key = stage("check_status");
    Instant record = t(0);
    StageEvent futureOk = stageOk("ok", record.plus(HOUR));
    List<StageEvent> errors =
        List.of(
            stageError("x1", t(60), key),
            stageError("x2", t(120), key),
            stageError("x3", t(180), key));

    StageHealth unbounded = foldStage(key, futureOk, errors);
    StageHealth bounded = foldStage(key, (StageEvent) FIVE_MINUTES.bound(futureOk, record), errors);

    // Without the bound the future ok is the latest observation and the stage looks healthy.
    assertThat(unbounded.severity()).isEqualTo(Severity.OK);
    assertThat(bounded.severity()).isEqualTo(Severity.ERROR);
    assertThat(bounded.lastOkAt()).isEqualTo(record);
    assertThat(bounded.consecutiveErrors()).isEqualTo(3);
  }

  private static StageEvent stageError(String id, Instant time, StageKey key) {
    return new StageEvent(
        id, time, key, new StageReport.Error("ConnectionError", "refused", null, null));
  }

  private static StageHealth foldStage(StageKey key, StageEvent ok, List<StageEvent> errors) {
    List<StageObservation> observations =
        new java.util.ArrayList<>(List.of(StageObservation.of(ok)));
    errors.forEach(error -> observations.add(StageObservation.of(error)));
    return StageFold.apply(null, key, observations, StagePolicy.defaults());
  }

  @Test
  @DisplayName(
      "A job.started from a runner an hour ahead runs from its record time: later status and"
          + " finish apply")
  void fastRunnerStartIsFoldedAtRecordTime() {
    JobEvent fastStart = started("start", 3600, 1);
    JobEvent boundedStart = (JobEvent) FIVE_MINUTES.bound(fastStart, t(5));
    List<JobEvent> events =
        List.of(
            submitted("sub", 0),
            boundedStart,
            status("err", 10, 1, "disk nearly full", null, null),
            finished("fin", 20, 1, 0));

    JobFold.Result result = JobFold.fold(events);

    assertThat(result.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(result.row().startedAt()).isEqualTo(t(5));
    assertThat(result.row().finishedAt()).isEqualTo(t(20));
    assertThat(result.row().runtime().error()).isEqualTo("disk nearly full");
    assertThat(result.ignoredEventIds()).isEmpty();
    assertThat(result.row().jobId()).isEqualTo(JOB);
  }

  @Test
  @DisplayName("A monitor's success and declaration cannot be pushed into the future")
  void monitorTimesAreBounded() {
    Instant record = t(0);
    MonitorEvent declared =
        new MonitorEvent(
            "decl",
            record.plus(HOUR),
            "nightly",
            new MonitorChange.Declared(
                "storage",
                new MonitorChange.Schedule.Every(Duration.ofHours(1)),
                Duration.ofMinutes(5),
                null));
    MonitorState state =
        MonitorFold.apply(null, (MonitorEvent) FIVE_MINUTES.bound(declared, record));
    JobEvent fastFinish = finished("fin", 7200, 1, 0);
    Instant finishedAt = FIVE_MINUTES.bound(fastFinish, t(30)).time();
    state = MonitorFold.observeRun(state, "nightly", new MonitorRun(t(10), finishedAt, true));

    assertThat(state.declaredAt()).isEqualTo(record);
    assertThat(state.lastSuccessAt()).isEqualTo(t(30));
  }

  @Test
  @DisplayName("A stage failure observation keeps its identity when re-timed")
  void retimedObservation() {
    StageKey key = stage("submit");
    StageObservation failure = failure("f", 0, key, "OSError");
    assertThat(failure.key()).isEqualTo(key);
    StageEvent future = stageError("f2", t(999_999), key);
    StageObservation bounded = StageObservation.of((StageEvent) FIVE_MINUTES.bound(future, t(1)));
    assertThat(bounded.time()).isEqualTo(t(1));
    assertThat(bounded.eventId()).isEqualTo("f2");
    assertThat(ok("o", 0, key).key()).isEqualTo(key);
  }
}
