package io.jobwatch.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One cycle of the simulated world: two schedulers, runners on slurm and gridengine, and cron
 * scripts, with the failures an operator meets. Each step says when in the cycle it happens and
 * builds its record at send time, so event times are real. Not thread-safe.
 */
final class DemoScenario {
  /** A cycle lasts this long; the next one starts with new job ids. */
  static final long CYCLE_MILLIS = 30_000;

  private final List<Step> steps = new ArrayList<>();
  private final String prefix;

  /** A record to build at {@code atMillis} into the cycle, from the then-current time. */
  record Step(long atMillis, Function<Instant, DemoRecord> record) {}

  private DemoScenario(int cycle) {
    this.prefix = "demo-" + cycle + "-";
  }

  /** The steps of cycle {@code cycle} (0 is the first), ordered by time. */
  static List<Step> cycle(int cycle) {
    DemoScenario scenario = new DemoScenario(cycle);
    if (cycle == 0) {
      scenario.monitors();
    }
    scenario.cronRuns(cycle == 0);
    scenario.healthyBlast();
    scenario.notFound();
    scenario.checkStatusOutage();
    scenario.thirdPartyCrashAndRequeue();
    scenario.taskCrash();
    scenario.runtimeTrouble();
    scenario.dependencies();
    scenario.publisherDefect();
    scenario.poison();
    scenario.steps.sort(Comparator.comparingLong(Step::atMillis));
    return scenario.steps;
  }

  private void monitors() {
    monitor(0, "sync-mirrors", "platform", "PT10S", "PT5S");
    monitor(0, "nightly-report", "analytics", "PT8S", "PT4S");
  }

  /**
   * sync-mirrors runs every 10 s and stays up; nightly-report runs once and goes late, then down.
   */
  private void cronRuns(boolean first) {
    for (long at = 500; at < CYCLE_MILLIS; at += 10_000) {
      cronRun(at, "sync-mirrors", 0);
    }
    if (first) {
      cronRun(700, "nightly-report", 0);
    }
  }

  private void healthyBlast() {
    String job = prefix + "blast-a";
    submitted(0, job, "blast", "slurm", null);
    started(1_000, job, "slurm", 1);
    status(3_000, job, 1, "activity", "aligning batch 12/40");
    finished(6_000, job, 1, 0);
  }

  /** exit 127: the start stage of hmmer on gridengine failed although submission succeeded. */
  private void notFound() {
    String job = prefix + "hmmer-missing";
    submitted(1_000, job, "hmmer", "gridengine", null);
    lifecycle(1_500, "/runner/gridengine", "job.queued", job, d -> d.put("attempt", 1));
    finished(3_000, job, 1, 127);
  }

  /** ConnectionErrors polling qstat: warning, warning, error; stage.ok recovers it. */
  private void checkStatusOutage() {
    for (long at : new long[] {2_000, 5_000, 8_000}) {
      stageError(
          at,
          "hmmer",
          "gridengine",
          "check_status",
          "ConnectionError",
          "qstat: cannot connect to sge_qmaster at grid-master:6444");
    }
    stageOk(20_000, "hmmer", "gridengine", "check_status");
  }

  private void thirdPartyCrashAndRequeue() {
    String job = prefix + "blast-mirror";
    submitted(500, job, "blast", "slurm", null);
    started(2_000, job, "slurm", 1);
    lifecycle(
        5_000,
        "/runner/slurm",
        "job.crashed",
        job,
        d ->
            d.put("attempt", 1)
                .put("blame", "third_party")
                .put("cause", "network")
                .put("details", "download of nr.gz from ftp.ncbi.nlm.nih.gov timed out"));
    lifecycle(
        7_000,
        "/scheduler/eu-1",
        "job.requeued",
        job,
        d -> d.put("attempt", 2).put("reason", "third-party failure, retrying"));
    started(8_000, job, "slurm", 2);
    finished(12_000, job, 2, 0);
  }

  private void taskCrash() {
    String job = prefix + "clustalo-oom";
    submitted(3_000, job, "clustalo", "slurm", null);
    started(4_000, job, "slurm", 1);
    lifecycle(
        6_500,
        "/runner/slurm",
        "job.crashed",
        job,
        d ->
            d.put("attempt", 1)
                .put("blame", "task")
                .put("cause", "oom")
                .put("fatal", true)
                .put("details", "alignment of 250000 sequences exceeded 64 GiB"));
  }

  /** A running job reports a warning, then errors; it fails at the end of the cycle. */
  private void runtimeTrouble() {
    String job = prefix + "clustalo-long";
    submitted(3_500, job, "clustalo", "gridengine", null);
    started(4_500, job, "gridengine", 1);
    status(5_500, job, 1, "warning", "scratch disk 85% full");
    status(7_500, job, 1, "error", "chunk 3 failed: checksum mismatch");
    status(9_500, job, 1, "error", "chunk 7 failed: checksum mismatch");
    status(11_000, job, 1, "activity", "retrying chunks 3 and 7");
    finished(26_000, job, 1, 1);
  }

  /** build-db, then search on it, then report; and a chain that can never run. */
  private void dependencies() {
    String build = prefix + "blast-build-db";
    String search = prefix + "blast-search";
    String report = prefix + "blast-report";
    submitted(1_000, build, "blast", "slurm", null);
    submitted(1_200, search, "blast", "slurm", List.of(build));
    submitted(1_400, report, "blast", "slurm", List.of(search));
    lifecycle(
        1_600, "/scheduler/eu-1", "job.waiting", search, d -> d.put("reason", "dependencies"));
    started(2_500, build, "slurm", 1);
    finished(9_000, build, 1, 0);
    started(10_000, search, "slurm", 1);
    finished(16_000, search, 1, 0);
    started(17_000, report, "slurm", 1);
    finished(19_000, report, 1, 0);

    String profile = prefix + "hmmer-build-profile";
    String scan = prefix + "hmmer-scan";
    String summary = prefix + "hmmer-summary";
    submitted(2_000, profile, "hmmer", "slurm", null);
    submitted(2_200, scan, "hmmer", "slurm", List.of(profile));
    submitted(2_400, summary, "hmmer", "slurm", List.of(scan));
    started(3_000, profile, "slurm", 1);
    finished(10_000, profile, 1, 1);
  }

  /** A defect in the clustalo submitter (KeyError): fatal once it repeats. */
  private void publisherDefect() {
    for (long at : new long[] {8_000, 9_000, 10_000}) {
      stageError(at, "clustalo", "slurm", "submit", "KeyError", "'partition'");
    }
  }

  private void poison() {
    steps.add(
        new Step(
            9_500,
            time ->
                new DemoRecord(
                    9_500,
                    true,
                    "hmmer",
                    "{\"type\": \"stage.error\", \"oops\": this is not json")));
  }

  private void monitor(long at, String name, String team, String every, String grace) {
    ObjectNode data = DemoEvents.data().put("monitor", name).put("team", team).put("grace", grace);
    data.putObject("schedule").put("every", every);
    add(at, false, name, time -> DemoEvents.envelope("/cron/demo", "monitor.declared", time, data));
  }

  private void cronRun(long at, String monitor, int exitCode) {
    String job = prefix + monitor + "-" + at;
    ObjectNode submitted =
        DemoEvents.data()
            .put("job_id", job)
            .put("service", "cron")
            .put("runner", "cron")
            .put("monitor", monitor);
    add(
        at,
        false,
        job,
        time -> DemoEvents.envelope("/cron/demo", "job.submitted", time, submitted));
    ObjectNode started =
        DemoEvents.data()
            .put("job_id", job)
            .put("runner", "cron")
            .put("attempt", 1)
            .put("monitor", monitor);
    add(
        at + 1,
        false,
        job,
        time -> DemoEvents.envelope("/cron/demo", "job.started", time, started));
    ObjectNode finished =
        DemoEvents.data().put("job_id", job).put("attempt", 1).put("exit_code", exitCode);
    add(
        at + 1_500,
        false,
        job,
        time -> DemoEvents.envelope("/cron/demo", "job.finished", time, finished));
  }

  private void submitted(long at, String job, String service, String runner, List<String> deps) {
    lifecycle(
        at,
        "/scheduler/eu-1",
        "job.submitted",
        job,
        d -> {
          d.put("service", service).put("runner", runner);
          if (deps != null) {
            ArrayNode dependsOn = d.putArray("depends_on");
            deps.forEach(dep -> dependsOn.addObject().put("job_id", dep));
          }
          return d;
        });
  }

  private void started(long at, String job, String runner, int attempt) {
    lifecycle(
        at,
        "/runner/" + runner,
        "job.started",
        job,
        d -> d.put("runner", runner).put("attempt", attempt).put("host", runner + "-node-07"));
  }

  private void finished(long at, String job, int attempt, int exitCode) {
    lifecycle(
        at,
        "/runner/demo",
        "job.finished",
        job,
        d -> d.put("attempt", attempt).put("exit_code", exitCode));
  }

  private void status(long at, String job, int attempt, String field, String message) {
    lifecycle(
        at, "/runner/demo", "job.status", job, d -> d.put("attempt", attempt).put(field, message));
  }

  private void lifecycle(
      long at, String source, String type, String job, Function<ObjectNode, ObjectNode> fill) {
    ObjectNode data = fill.apply(DemoEvents.data().put("job_id", job));
    add(at, false, job, time -> DemoEvents.envelope(source, type, time, data));
  }

  private void stageError(
      long at, String service, String runner, String stage, String errorClass, String message) {
    ObjectNode data =
        DemoEvents.data()
            .put("service", service)
            .put("runner", runner)
            .put("stage", stage)
            .put("error_class", errorClass)
            .put("message", message);
    add(
        at,
        true,
        service,
        time -> DemoEvents.envelope("/runner/" + runner, "stage.error", time, data));
  }

  private void stageOk(long at, String service, String runner, String stage) {
    ObjectNode data =
        DemoEvents.data().put("service", service).put("runner", runner).put("stage", stage);
    add(
        at,
        true,
        service,
        time -> DemoEvents.envelope("/runner/" + runner, "stage.ok", time, data));
  }

  private void add(long at, boolean errors, String key, Function<Instant, String> value) {
    steps.add(new Step(at, time -> new DemoRecord(at, errors, key, value.apply(time))));
  }
}
