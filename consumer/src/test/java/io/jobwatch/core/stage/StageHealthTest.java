package io.jobwatch.core.stage;

import static io.jobwatch.core.Events.failure;
import static io.jobwatch.core.Events.ok;
import static io.jobwatch.core.Events.stage;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Stage health")
class StageHealthTest {

  private static final StagePolicy DEFAULTS = StagePolicy.defaults();
  private static final StageKey START = stage("start");
  private static final StageKey CHECK_STATUS = stage("check_status");

  /** The stage_health table of one test: one record per (service, runner, stage). */
  private final Map<StageKey, StageHealth> records = new LinkedHashMap<>();

  /** Applies observations the way the consumer does: grouped per stage, one batch per stage. */
  private void observe(StageObservation... observations) {
    Map<StageKey, List<StageObservation>> byStage =
        List.of(observations).stream()
            .collect(
                Collectors.groupingBy(
                    StageObservation::key, LinkedHashMap::new, Collectors.toList()));
    byStage.forEach(
        (key, batch) -> records.put(key, StageFold.apply(records.get(key), key, batch, DEFAULTS)));
  }

  private StageHealth record(StageKey key) {
    return records.get(key);
  }

  /** The service health view: the worst severity over the service's stage records. */
  private Severity serviceHealth(String service) {
    Severity worst = Severity.OK;
    for (StageHealth health : records.values()) {
      if (health.key().service().equals(service)) {
        worst = worst.worst(health.severity());
      }
    }
    return worst;
  }

  private static StageHealth applyOneByOne(StagePolicy policy, StageObservation... observations) {
    StageHealth health = null;
    for (StageObservation observation : observations) {
      health = StageFold.apply(health, observation.key(), List.of(observation), policy);
    }
    return health;
  }

  @Test
  @DisplayName("A check_status error stays visible after a later successful start of the runner")
  void checkStatusErrorSurvivesLaterStartSuccess() {
    observe(failure("e1", 10, CHECK_STATUS, "ValueError"));
    observe(ok("o1", 20, START));

    assertThat(record(CHECK_STATUS).severity()).isEqualTo(Severity.FATAL);
    assertThat(record(CHECK_STATUS).since()).isEqualTo(t(10));
    assertThat(record(START).severity()).isEqualTo(Severity.OK);
    assertThat(serviceHealth("blast")).isEqualTo(Severity.FATAL);
  }

  @Test
  @DisplayName("A start error stays visible after a later successful check_status of the runner")
  void startErrorSurvivesLaterCheckStatusSuccess() {
    observe(
        failure("e1", 10, START, "PermissionError"),
        failure("e2", 11, START, "PermissionError"),
        failure("e3", 12, START, "PermissionError"));
    observe(ok("o1", 20, CHECK_STATUS));

    assertThat(record(START).severity()).isEqualTo(Severity.ERROR);
    assertThat(record(START).consecutiveErrors()).isEqualTo(3);
    assertThat(record(CHECK_STATUS).severity()).isEqualTo(Severity.OK);
    assertThat(serviceHealth("blast")).isEqualTo(Severity.ERROR);
  }

  @Test
  @DisplayName(
      "Service health is the worst of its stages, across runners, and ignores other services")
  void serviceHealthIsWorstStage() {
    StageKey sgeSubmit = new StageKey("blast", "sge", "submit");
    StageKey otherService = new StageKey("hmmer", "slurm", "start");
    observe(
        ok("o1", 1, START),
        failure("w1", 2, CHECK_STATUS, "ConnectionError"),
        failure("e1", 3, sgeSubmit, "java.io.IOException", Severity.ERROR),
        failure("f1", 4, otherService, "KeyError"));

    assertThat(records.values())
        .extracting(StageHealth::severity)
        .containsExactly(Severity.OK, Severity.WARNING, Severity.ERROR, Severity.FATAL);
    assertThat(serviceHealth("blast")).isEqualTo(Severity.ERROR);
    assertThat(serviceHealth("hmmer")).isEqualTo(Severity.FATAL);
  }

  @Test
  @DisplayName("A success in a stage clears that stage and leaves the other stages as they were")
  void successClearsOnlyItsStage() {
    observe(failure("e1", 10, START, "KeyError"), failure("e2", 11, CHECK_STATUS, "KeyError"));
    observe(ok("o1", 20, CHECK_STATUS));

    assertThat(record(CHECK_STATUS).severity()).isEqualTo(Severity.OK);
    assertThat(record(CHECK_STATUS).since()).isEqualTo(t(20));
    assertThat(record(START).severity()).isEqualTo(Severity.FATAL);
    assertThat(record(START).since()).isEqualTo(t(10));
  }

  @Test
  @DisplayName("ConnectionError shows warning, warning, then error on the third in a row")
  void connectionErrorEscalatesOnThirdInARow() {
    List<Severity> severities = new ArrayList<>();
    List<Integer> consecutive = new ArrayList<>();
    List<java.time.Instant> since = new ArrayList<>();
    StageHealth health = null;
    for (int i = 1; i <= 4; i++) {
      health =
          StageFold.apply(
              health, START, List.of(failure("e" + i, i, START, "ConnectionError")), DEFAULTS);
      severities.add(health.severity());
      consecutive.add(health.consecutiveErrors());
      since.add(health.since());
    }

    assertThat(severities)
        .containsExactly(Severity.WARNING, Severity.WARNING, Severity.ERROR, Severity.ERROR);
    assertThat(consecutive).containsExactly(1, 2, 3, 4);
    assertThat(since).containsExactly(t(1), t(1), t(3), t(3));
  }

  @Test
  @DisplayName("An ok between errors restarts the count towards the error threshold")
  void okBreaksTheRun() {
    StageHealth health =
        applyOneByOne(
            DEFAULTS,
            failure("e1", 1, START, "ConnectionError"),
            failure("e2", 2, START, "ConnectionError"),
            ok("o1", 3, START),
            failure("e3", 4, START, "ConnectionError"),
            failure("e4", 5, START, "ConnectionError"));

    assertThat(health.severity()).isEqualTo(Severity.WARNING);
    assertThat(health.consecutiveErrors()).isEqualTo(2);
    assertThat(health.since()).isEqualTo(t(4));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "FileNotFoundError",
        "PermissionError",
        "ChildProcessError",
        "CalledProcessError",
        "subprocess.CalledProcessError",
        "TimeoutError",
        "BrokenPipeError",
        "java.io.IOException"
      })
  @DisplayName(
      "Operating-system and I/O failures are error-family: warning first, error on the third")
  void errorFamily(String errorClass) {
    StageHealth once = applyOneByOne(DEFAULTS, failure("e1", 1, START, errorClass));
    StageHealth thrice =
        applyOneByOne(
            DEFAULTS,
            failure("e1", 1, START, errorClass),
            failure("e2", 2, START, errorClass),
            failure("e3", 3, START, errorClass));

    assertThat(DEFAULTS.classifier().classify(errorClass)).isEqualTo(Severity.ERROR);
    assertThat(once.severity()).isEqualTo(Severity.WARNING);
    assertThat(thrice.severity()).isEqualTo(Severity.ERROR);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "ValueError",
        "KeyError",
        "NullPointerException",
        "java.lang.NullPointerException"
      })
  @DisplayName("Defects in the publisher's code are fatal at once")
  void fatalAtOnce(String errorClass) {
    StageHealth health = applyOneByOne(DEFAULTS, failure("e1", 7, START, errorClass));

    assertThat(health.severity()).isEqualTo(Severity.FATAL);
    assertThat(health.since()).isEqualTo(t(7));
    assertThat(health.consecutiveErrors()).isEqualTo(1);
  }

  @Test
  @DisplayName("An explicit warning on a ValueError stays a warning, even many times in a row")
  void explicitWarningWins() {
    StageHealth health =
        applyOneByOne(
            DEFAULTS,
            failure("e1", 1, START, "ValueError", Severity.WARNING),
            failure("e2", 2, START, "ValueError", Severity.WARNING),
            failure("e3", 3, START, "ValueError", Severity.WARNING),
            failure("e4", 4, START, "ValueError", Severity.WARNING));

    assertThat(health.severity()).isEqualTo(Severity.WARNING);
    assertThat(health.consecutiveErrors()).isEqualTo(4);
  }

  @Test
  @DisplayName("An explicit fatal on a ConnectionError is fatal at once")
  void explicitFatalWins() {
    StageHealth health =
        applyOneByOne(DEFAULTS, failure("e1", 1, START, "ConnectionError", Severity.FATAL));

    assertThat(health.severity()).isEqualTo(Severity.FATAL);
  }

  @Test
  @DisplayName(
      "With recovery threshold 2, one ok leaves the error standing and the second clears it")
  void recoveryThresholdTwo() {
    StagePolicy policy = new StagePolicy(3, 2, 32, ErrorClassifier.defaults());
    StageHealth failing =
        applyOneByOne(
            policy,
            failure("e1", 1, START, "ConnectionError"),
            failure("e2", 2, START, "ConnectionError"),
            failure("e3", 3, START, "ConnectionError"));
    StageHealth oneOk = StageFold.apply(failing, START, List.of(ok("o1", 4, START)), policy);
    StageHealth twoOks = StageFold.apply(oneOk, START, List.of(ok("o2", 5, START)), policy);

    assertThat(failing.severity()).isEqualTo(Severity.ERROR);
    assertThat(oneOk.severity()).isEqualTo(Severity.ERROR);
    assertThat(oneOk.since()).isEqualTo(t(3));
    assertThat(twoOks.severity()).isEqualTo(Severity.OK);
    assertThat(twoOks.since()).isEqualTo(t(5));
    assertThat(twoOks.consecutiveErrors()).isZero();
  }

  @Test
  @DisplayName("The record keeps counts, the last error, the last success and since-when")
  void countsAndLastFields() {
    StageHealth afterErrors =
        applyOneByOne(
            DEFAULTS,
            ok("o1", 1, START),
            failure("e1", 2, START, "ConnectionError"),
            failure("e2", 3, START, "TimeoutError"),
            failure("e3", 4, START, "CalledProcessError"));
    StageHealth recovered =
        StageFold.apply(afterErrors, START, List.of(ok("o2", 5, START)), DEFAULTS);

    assertThat(afterErrors.severity()).isEqualTo(Severity.ERROR);
    assertThat(afterErrors.since()).isEqualTo(t(4));
    assertThat(afterErrors.errorCount()).isEqualTo(3);
    assertThat(afterErrors.okCount()).isEqualTo(1);
    assertThat(afterErrors.consecutiveErrors()).isEqualTo(3);
    assertThat(afterErrors.lastErrorClass()).isEqualTo("CalledProcessError");
    assertThat(afterErrors.lastErrorMessage()).isEqualTo("CalledProcessError in e3");
    assertThat(afterErrors.lastErrorAt()).isEqualTo(t(4));
    assertThat(afterErrors.lastErrorJobId()).isEqualTo("job-1");
    assertThat(afterErrors.lastOkAt()).isEqualTo(t(1));

    assertThat(recovered.severity()).isEqualTo(Severity.OK);
    assertThat(recovered.since()).isEqualTo(t(5));
    assertThat(recovered.errorCount()).isEqualTo(3);
    assertThat(recovered.okCount()).isEqualTo(2);
    assertThat(recovered.consecutiveErrors()).isZero();
    assertThat(recovered.lastErrorClass()).isEqualTo("CalledProcessError");
    assertThat(recovered.lastErrorAt()).isEqualTo(t(4));
    assertThat(recovered.lastOkAt()).isEqualTo(t(5));
  }

  @Test
  @DisplayName("A late error older than the last success does not replace the last error fields")
  void lateErrorKeepsLatestErrorFields() {
    StageHealth health =
        applyOneByOne(
            DEFAULTS,
            failure("e2", 20, START, "TimeoutError"),
            ok("o1", 30, START),
            failure("e1", 10, START, "KeyError"));

    assertThat(health.severity()).isEqualTo(Severity.OK);
    assertThat(health.since()).isEqualTo(t(30));
    assertThat(health.errorCount()).isEqualTo(2);
    assertThat(health.lastErrorClass()).isEqualTo("TimeoutError");
    assertThat(health.lastErrorAt()).isEqualTo(t(20));
  }

  @Test
  @DisplayName("A late observation older than the whole window changes the counts only")
  void observationOlderThanWindowChangesCountsOnly() {
    List<StageObservation> oks = new ArrayList<>();
    for (int i = 0; i < DEFAULTS.window(); i++) {
      oks.add(ok("o" + i, 100 + i, START));
    }
    StageHealth full = StageFold.apply(null, START, oks, DEFAULTS);

    StageHealth after =
        StageFold.apply(full, START, List.of(failure("late", 1, START, "KeyError")), DEFAULTS);

    assertThat(full.severity()).isEqualTo(Severity.OK);
    assertThat(after.severity()).isEqualTo(Severity.OK);
    assertThat(after.since()).isEqualTo(full.since()).isEqualTo(t(100));
    assertThat(after.recent()).isEqualTo(full.recent());
    assertThat(after.consecutiveErrors()).isZero();
    assertThat(after.okCount()).isEqualTo(32);
    assertThat(after.errorCount()).isEqualTo(1);
    assertThat(after.lastErrorClass()).isEqualTo("KeyError");
    assertThat(after.lastErrorAt()).isEqualTo(t(1));
    assertThat(after.lastOkAt()).isEqualTo(t(131));
  }

  @Test
  @DisplayName(
      "Re-delivered observations (same id) change nothing, in a later batch or the same one")
  void redeliveryChangesNothing() {
    List<StageObservation> batch =
        List.of(
            ok("o1", 1, START),
            failure("e1", 2, START, "ConnectionError"),
            failure("e2", 3, START, "ConnectionError"));
    StageHealth once = StageFold.apply(null, START, batch, DEFAULTS);

    StageHealth again = StageFold.apply(once, START, batch, DEFAULTS);
    StageHealth doubledInOneBatch =
        StageFold.apply(
            null,
            START,
            List.of(batch.get(0), batch.get(1), batch.get(1), batch.get(2), batch.get(0)),
            DEFAULTS);

    assertThat(once.severity()).isEqualTo(Severity.WARNING);
    assertThat(once.consecutiveErrors()).isEqualTo(2);
    assertThat(once.errorCount()).isEqualTo(2);
    assertThat(again).isEqualTo(once);
    assertThat(doubledInOneBatch).isEqualTo(once);
  }

  @Test
  @DisplayName("A late success older than the current since moves an ok stage's since back")
  void lateOkMovesSinceBack() {
    StageHealth allAtOnce =
        StageFold.apply(null, START, List.of(ok("o0", 0, START), ok("o1", 1, START)), DEFAULTS);
    StageHealth lateFirst = applyOneByOne(DEFAULTS, ok("o1", 1, START), ok("o0", 0, START));

    assertThat(allAtOnce.since()).isEqualTo(t(0));
    assertThat(lateFirst.since()).isEqualTo(t(0));
  }

  @Test
  @DisplayName(
      "Of two errors in the same instant, the last error fields do not depend on batch order")
  void lastErrorTieDoesNotDependOnBatchOrder() {
    StageObservation first = failure("e1", 5, START, "ConnectionError");
    StageObservation second = failure("e2", 5, START, "TimeoutError");

    StageHealth allAtOnce = StageFold.apply(null, START, List.of(first, second), DEFAULTS);
    StageHealth inOrder = applyOneByOne(DEFAULTS, first, second);
    StageHealth reversed = applyOneByOne(DEFAULTS, second, first);

    assertThat(allAtOnce.lastErrorClass()).isEqualTo("TimeoutError");
    assertThat(inOrder.lastErrorClass()).isEqualTo("TimeoutError");
    assertThat(reversed.lastErrorClass()).isEqualTo("TimeoutError");
    assertThat(reversed.lastErrorMessage()).isEqualTo("TimeoutError in e2");
  }

  @Test
  @DisplayName(
      "A fatal run stays fatal when its fatal leaves the window after successes too few to"
          + " recover (found by ReferenceFoldProperties)")
  void fatalRunStaysFatalWhenItsFatalLeavesTheWindowBehindTooFewSuccesses() {
    StagePolicy policy = new StagePolicy(1, 3, 32, ErrorClassifier.defaults());
    List<StageObservation> observations = new ArrayList<>();
    observations.add(failure("o00", 0, START, "ValueError"));
    for (int i = 1; i <= 30; i++) {
      observations.add(failure(String.format("o%02d", i), i, START, "ConnectionError"));
    }
    observations.add(ok("o31", 31, START));
    observations.add(ok("o32", 32, START));

    StageHealth allAtOnce = StageFold.apply(null, START, observations, policy);
    StageHealth lastOneLater =
        StageFold.apply(
            StageFold.apply(null, START, observations.subList(0, 32), policy),
            START,
            observations.subList(32, 33),
            policy);

    // Two successes of the three needed: the run that began with a fatal is not over.
    assertThat(allAtOnce.severity()).isEqualTo(Severity.FATAL);
    assertThat(lastOneLater.severity()).isEqualTo(Severity.FATAL);
    assertThat(lastOneLater.since()).isEqualTo(t(0));
  }

  @Test
  @DisplayName("A new run after a recovery pushed out of the window is judged on its own")
  void newRunAfterAnEvictedRecoveryIsJudgedOnItsOwn() {
    StagePolicy policy = new StagePolicy(1, 3, 32, ErrorClassifier.defaults());
    List<StageObservation> first = new ArrayList<>();
    first.add(failure("a00", 0, START, "ValueError"));
    first.add(ok("a01", 1, START));
    first.add(ok("a02", 2, START));
    first.add(ok("a03", 3, START));
    List<StageObservation> second = new ArrayList<>();
    for (int i = 4; i <= 35; i++) {
      second.add(failure(String.format("a%02d", i), i, START, "ConnectionError"));
    }

    StageHealth health =
        StageFold.apply(StageFold.apply(null, START, first, policy), START, second, policy);

    // The fatal and the three successes after it (a recovery) left the window: the latest run
    // is errors only.
    assertThat(health.severity()).isEqualTo(Severity.ERROR);
  }

  @Test
  @DisplayName("Successes too few to recover, pushed out of the window, do not end the run")
  void evictedSuccessesTooFewToRecoverDoNotEndTheRun() {
    StagePolicy policy = new StagePolicy(1, 3, 32, ErrorClassifier.defaults());
    List<StageObservation> first = new ArrayList<>();
    first.add(failure("a00", 0, START, "ValueError"));
    first.add(ok("a01", 1, START));
    List<StageObservation> second = new ArrayList<>();
    for (int i = 2; i <= 33; i++) {
      second.add(failure(String.format("a%02d", i), i, START, "ConnectionError"));
    }

    StageHealth health =
        StageFold.apply(StageFold.apply(null, START, first, policy), START, second, policy);

    // One success of the three needed: the run that began with a fatal goes on.
    assertThat(health.severity()).isEqualTo(Severity.FATAL);
    assertThat(health.since()).isEqualTo(t(0));
    assertThat(health.consecutiveErrors()).isEqualTo(32);
  }

  /**
   * Brief: "stage.ok ... brings the stage back to ok after M successes". With M = 2 a single
   * success is not a recovery: the run of errors goes on, and the next error cannot make the stage
   * look better (it was read as a new run of one error, warning, and the page resolved).
   */
  @Test
  @DisplayName(
      "With M=2, a success too few to recover does not end the run: the next error keeps error")
  void successTooFewToRecoverDoesNotEndTheRun() {
    StagePolicy policy = new StagePolicy(3, 2, 32, ErrorClassifier.defaults());
    StageHealth afterOk =
        oneByOne(
            policy,
            failure("e1", 1, START, "ConnectionError"),
            failure("e2", 2, START, "ConnectionError"),
            failure("e3", 3, START, "ConnectionError"),
            ok("o1", 4, START));
    assertThat(afterOk.severity()).as("one success < M: not recovered").isEqualTo(Severity.ERROR);

    StageHealth afterNextError =
        StageFold.apply(
            afterOk, START, List.of(failure("e4", 5, START, "ConnectionError")), policy);

    assertThat(afterNextError.severity())
        .as("a further error cannot improve a stage that never recovered")
        .isEqualTo(Severity.ERROR);
    assertThat(afterNextError.since()).isEqualTo(t(3));
    assertThat(afterNextError.consecutiveErrors())
        .as("errors since the last recovery")
        .isEqualTo(4);
  }

  /**
   * A run of errors that began before the window with a fatal-class error stays fatal (the record
   * keeps it: a fatal does not decay). Withdrawing evidence that has already left the window (exit
   * 127 replaces a long-running attempt's job.started success) must not drop the record: the fatal
   * decayed to error, and the page moved from team publishers to team platform.
   */
  @Test
  @DisplayName("Withdrawing evidence that left the window does not let a fatal run decay to error")
  void withdrawalDoesNotDecayFatalRunThatBeganBeforeTheWindow() {
    StagePolicy policy = StagePolicy.defaults();
    StageObservation oldStart = ok("started-1", 0, START); // job.started of a long-running job
    List<StageObservation> observations = new ArrayList<>();
    observations.add(oldStart);
    observations.add(failure("f0", 1, START, "KeyError")); // publisher defect: fatal
    for (int i = 0; i < 40; i++) {
      observations.add(failure("c" + i, 2 + i, START, "ConnectionError"));
    }
    StageHealth health = null;
    for (StageObservation observation : observations) {
      health = StageFold.apply(health, START, List.of(observation), policy);
    }
    assertThat(health.severity()).as("before: the run's worst is fatal").isEqualTo(Severity.FATAL);

    // The job exits 127: its job.started success is withdrawn, a NotStarted error is added.
    StageObservation notStarted =
        StageObservation.error(
            "finished-127", t(100), START, "NotStarted", "exit 127", "job-1", null);
    StageHealth after =
        StageFold.apply(health, START, List.of(notStarted), List.of(oldStart), policy);

    List<StageObservation> remaining =
        new ArrayList<>(observations.subList(1, observations.size()));
    remaining.add(notStarted);
    assertThat(ReferenceStageFold.fold(remaining, policy).severity()).isEqualTo(Severity.FATAL);
    assertThat(after.severity())
        .as("the run is still the one that began fatal")
        .isEqualTo(Severity.FATAL);
  }

  @Test
  @DisplayName(
      "A flapping stage (three failures, one success, ...) stays at error with M=2 after its third"
          + " failure, and with M=1 returns to ok at every success")
  void flappingStageStaysAtErrorWithRecoveryThresholdTwo() {
    StagePolicy two = new StagePolicy(3, 2, 32, ErrorClassifier.defaults());
    StagePolicy one = StagePolicy.defaults();
    StageHealth withTwo = null;
    StageHealth withOne = null;
    for (int i = 0; i < 24; i++) {
      StageObservation observation =
          i % 4 == 3
              ? ok(String.format("o%02d", i), i, START)
              : failure(String.format("e%02d", i), i, START, "CalledProcessError");
      withTwo = StageFold.apply(withTwo, START, List.of(observation), two);
      withOne = StageFold.apply(withOne, START, List.of(observation), one);
      if (i >= 2) {
        assertThat(withTwo.severity()).as("M=2 after observation %d", i).isEqualTo(Severity.ERROR);
        assertThat(withTwo.since()).isEqualTo(t(2));
      }
      if (i % 4 == 3) {
        assertThat(withOne.severity()).as("M=1 after observation %d", i).isEqualTo(Severity.OK);
      }
    }
  }

  private static StageHealth oneByOne(StagePolicy policy, StageObservation... observations) {
    StageHealth health = null;
    for (StageObservation observation : observations) {
      health = StageFold.apply(health, observation.key(), List.of(observation), policy);
    }
    return health;
  }

  @Test
  @DisplayName(
      "A pod stuck pulling its image (ImagePullBackOff, as the kubelet retries) makes start warning,"
          + " then error after three reports, and the pod's start makes it ok: never fatal")
  void kubernetesImagePullBackOffIsAnErrorOfStart() {
    observe(failure("pull-1", 10, START, "ErrImagePull"));
    assertThat(record(START).severity()).isEqualTo(Severity.WARNING);
    observe(failure("pull-2", 20, START, "ImagePullBackOff"));
    assertThat(record(START).severity()).isEqualTo(Severity.WARNING);
    observe(failure("pull-3", 40, START, "ImagePullBackOff"));
    assertThat(record(START).severity()).isEqualTo(Severity.ERROR);
    assertThat(record(START).since()).isEqualTo(t(40));
    observe(failure("config-1", 50, START, "CreateContainerConfigError"));
    assertThat(record(START).severity()).isEqualTo(Severity.ERROR);
    assertThat(record(START).consecutiveErrors()).isEqualTo(4);
    observe(ok("pod-started", 60, START));
    assertThat(record(START).severity()).isEqualTo(Severity.OK);
    assertThat(record(START).since()).isEqualTo(t(60));
  }

  @Test
  @DisplayName(
      "An error class the operator adds to JOBWATCH_ERROR_CLASSES after it paged as fatal is"
          + " judged by the new setting at the stage's next report: error, not fatal for ever")
  void aClassListedLaterIsReclassifiedAtTheNextReport() {
    StageHealth before =
        applyOneByOne(
            DEFAULTS,
            failure("pull-1", 10, START, "RegistryUnavailable"),
            failure("pull-2", 20, START, "RegistryUnavailable"));
    assertThat(before.severity()).isEqualTo(Severity.FATAL);

    // alerts.md, JobwatchStageFatal: the classification was wrong; the operator lists the class
    // and restarts jobwatch, and the runner reports the same failure once more.
    java.util.Set<String> classes = new java.util.HashSet<>(ErrorClassifier.DEFAULT_ERROR_CLASSES);
    classes.add("RegistryUnavailable");
    StagePolicy listed =
        new StagePolicy(
            StagePolicy.DEFAULT_ERROR_THRESHOLD,
            StagePolicy.DEFAULT_RECOVERY_THRESHOLD,
            StagePolicy.DEFAULT_WINDOW,
            new ErrorClassifier(classes));
    StageHealth after =
        StageFold.apply(
            before, START, List.of(failure("pull-3", 30, START, "RegistryUnavailable")), listed);

    assertThat(after.severity()).isEqualTo(Severity.ERROR);
    assertThat(after.since()).isEqualTo(t(30));
    assertThat(after.consecutiveErrors()).isEqualTo(3);
    assertThat(after.errorCount()).isEqualTo(3);
  }
}
