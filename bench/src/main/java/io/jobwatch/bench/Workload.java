package io.jobwatch.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Generates a deterministic benchmark workload: jobs with 3 to 8 lifecycle events each (every
 * outcome of the contract), stage errors and recoveries from 12 services x 3 runners x 4 stages,
 * monitor declarations and monitored runs, re-published duplicates, poison records, and arrival
 * slightly out of event-time order. Not thread-safe; one generation per instance.
 */
public final class Workload {
  static final List<String> SERVICES =
      List.of(
          "blast",
          "align",
          "assemble",
          "annotate",
          "render",
          "ingest",
          "backup",
          "mirror",
          "index",
          "train",
          "report",
          "export");
  static final List<String> RUNNERS = List.of("slurm", "sge", "local");
  static final List<String> STAGES = List.of("submit", "start", "check_status", "cancel");
  static final List<String> ERROR_CLASSES =
      List.of(
          "subprocess.CalledProcessError",
          "ConnectionError",
          "TimeoutError",
          "java.io.IOException",
          "KeyError",
          "FileNotFoundError");
  static final List<String> BLAMES = List.of("platform", "task", "third_party", "unknown");
  static final List<String> CAUSES = List.of("oom", "timeout", "network", "disk_full");
  static final int MONITORS = 20;
  private static final int JOBS_PER_WINDOW = 400;
  private static final Duration WINDOW = Duration.ofSeconds(60);

  private final WorkloadSpec spec;
  private final Random random;
  private final Set<String> jobsWithValidEvents = new HashSet<>();
  private long emitted;
  private long lifecycleRecords;
  private long duplicates;
  private long poison;
  private long jobSequence;

  public Workload(WorkloadSpec spec) {
    this.spec = spec;
    this.random = new Random(spec.seed());
  }

  /** Generates exactly {@code spec.events()} records, in publishing order, into {@code sink}. */
  public WorkloadStats generate(Consumer<WorkloadRecord> sink) {
    Instant clock = spec.start();
    List<Arrival> first = new ArrayList<>();
    for (int m = 0; m < MONITORS; m++) {
      String monitor = monitorName(m);
      first.add(
          new Arrival(
              clock.plusMillis(m),
              record(
                  true,
                  monitor,
                  "monitor.declared",
                  clock.plusMillis(m),
                  "{\"monitor\":\""
                      + monitor
                      + "\",\"team\":\"team-"
                      + (m % 4)
                      + "\",\"schedule\":{\"every\":\"PT15M\"},\"grace\":\"PT5M\"}")));
    }
    emit(first, sink);
    while (emitted < spec.events()) {
      emit(window(clock), sink);
      clock = clock.plus(WINDOW);
    }
    return new WorkloadStats(
        emitted, lifecycleRecords, jobsWithValidEvents.size(), duplicates, poison);
  }

  /** A record waiting to be published; {@code arrival} orders publication. */
  private record Arrival(Instant arrival, WorkloadRecord record) {}

  private void emit(List<Arrival> arrivals, Consumer<WorkloadRecord> sink) {
    arrivals.sort(Comparator.comparing(Arrival::arrival));
    for (Arrival arrival : arrivals) {
      if (emitted >= spec.events()) {
        return;
      }
      WorkloadRecord record = arrival.record();
      emitted++;
      if (record.lifecycle()) {
        lifecycleRecords++;
      }
      if (record.duplicate()) {
        duplicates++;
      }
      if (record.poison()) {
        poison++;
      } else if (record.lifecycle() && record.key().startsWith("job-")) {
        jobsWithValidEvents.add(record.key());
      }
      sink.accept(record);
    }
  }

  private List<Arrival> window(Instant clock) {
    List<WorkloadRecord> events = new ArrayList<>();
    for (int j = 0; j < JOBS_PER_WINDOW; j++) {
      Instant submitted = clock.plusMillis(random.nextInt((int) WINDOW.toMillis()));
      events.addAll(job(submitted));
    }
    long stageCount = Math.round(events.size() * spec.stageShare() / (1 - spec.stageShare()));
    for (long s = 0; s < stageCount; s++) {
      events.add(stage(clock.plusMillis(random.nextInt((int) WINDOW.toMillis() * 3))));
    }
    List<Arrival> arrivals = new ArrayList<>(events.size() + events.size() / 50);
    for (WorkloadRecord event : events) {
      Instant arrival = event.time();
      if (random.nextDouble() < 0.03) {
        // A slow publisher or a retry: this one arrives after events that happened later.
        arrival = arrival.plusSeconds(5 + random.nextInt(55));
      }
      arrivals.add(new Arrival(arrival, event));
      if (random.nextDouble() < spec.duplicateShare()) {
        arrivals.add(
            new Arrival(arrival.plusSeconds(1 + random.nextInt(120)), event.republished()));
      }
      if (random.nextDouble() < spec.poisonShare()) {
        arrivals.add(new Arrival(arrival.plusMillis(1), poisonFor(event)));
      }
    }
    return arrivals;
  }

  private List<WorkloadRecord> job(Instant submitted) {
    String job = String.format("job-%d-%08d", spec.seed(), jobSequence++);
    String service = pick(SERVICES);
    String runner = pick(RUNNERS);
    String monitor = random.nextDouble() < 0.03 ? monitorName(random.nextInt(MONITORS)) : null;
    List<WorkloadRecord> events = new ArrayList<>(8);
    Instant[] at = {submitted};
    Step step =
        (type, data) -> {
          events.add(record(true, job, type, at[0], "{\"job_id\":\"" + job + "\"" + data + "}"));
          at[0] = at[0].plusMillis(200 + random.nextInt(20_000));
        };
    step.add(
        "job.submitted",
        ",\"service\":\""
            + service
            + "\",\"runner\":\""
            + runner
            + "\""
            + (monitor == null ? "" : ",\"monitor\":\"" + monitor + "\"")
            + ",\"labels\":{\"project\":\"p"
            + random.nextInt(50)
            + "\"}");
    step.add("job.queued", ",\"attempt\":1");
    double scenario = random.nextDouble();
    if (scenario < 0.05) {
      step.add("job.cancelled", ",\"reason\":\"superseded by a newer request\"");
      return events;
    }
    if (scenario < 0.10) {
      step.add("job.finished", ",\"attempt\":1,\"exit_code\":127");
      return events;
    }
    started(step, runner, 1);
    if (scenario < 0.20) {
      step.add(
          "job.crashed",
          ",\"attempt\":1,\"blame\":\""
              + pick(BLAMES)
              + "\",\"cause\":\""
              + pick(CAUSES)
              + "\",\"details\":\"slurmstepd: step ended\"");
      return events;
    }
    if (scenario < 0.30) {
      step.add("job.status", ",\"attempt\":1,\"error\":\"chunk 7: reference index missing\"");
      step.add("job.requeued", ",\"attempt\":2,\"reason\":\"node failure\"");
      started(step, runner, 2);
      step.add("job.status", ",\"attempt\":2,\"activity\":\"aligning chunk 3 of 9\"");
      step.add("job.finished", ",\"attempt\":2,\"exit_code\":0");
      return events;
    }
    int statuses = random.nextInt(3);
    for (int s = 0; s < statuses; s++) {
      step.add(
          "job.status",
          s == 0 && random.nextBoolean()
              ? ",\"attempt\":1,\"warning\":\"disk usage at 85% on /scratch\""
              : ",\"attempt\":1,\"activity\":\"chunk "
                  + s
                  + "\",\"progress\":{\"complete\":"
                  + s
                  + ",\"waiting\":3}");
    }
    int exit = scenario < 0.45 ? 1 : scenario < 0.50 ? 137 : 0;
    step.add("job.finished", ",\"attempt\":1,\"exit_code\":" + exit);
    return events;
  }

  /** Appends one lifecycle event to the job being generated. */
  private interface Step {
    void add(String type, String data);
  }

  private void started(Step step, String runner, int attempt) {
    step.add(
        "job.started",
        ",\"runner\":\""
            + runner
            + "\",\"attempt\":"
            + attempt
            + ",\"host\":\"node-"
            + random.nextInt(200)
            + "\"");
  }

  private WorkloadRecord stage(Instant time) {
    String service = pick(SERVICES);
    String key =
        "{\"service\":\"" + service + "\",\"runner\":\"" + pick(RUNNERS) + "\",\"stage\":\"";
    String stage = pick(STAGES);
    if (random.nextDouble() < 0.6) {
      return record(
          false,
          service,
          "stage.error",
          time,
          key
              + stage
              + "\",\"error_class\":\""
              + pick(ERROR_CLASSES)
              + "\",\"message\":\"sbatch returned 1\"}");
    }
    return record(false, service, "stage.ok", time, key + stage + "\"}");
  }

  private WorkloadRecord poisonFor(WorkloadRecord event) {
    String id = new UUID(random.nextLong(), random.nextLong()).toString();
    switch (random.nextInt(3)) {
      case 0:
        return new WorkloadRecord(
            event.lifecycle(), event.key(), id, null, event.time(), "not json {", true, false);
      case 1:
        String job = event.lifecycle() ? event.key() : "job-unknown";
        return new WorkloadRecord(
            event.lifecycle(),
            event.key(),
            id,
            "job.finished",
            event.time(),
            "{\"job_id\":\"" + job + "\",\"attempt\":1,\"exit_code\":999}",
            true,
            false);
      default:
        return new WorkloadRecord(
            event.lifecycle(),
            event.key(),
            id,
            "job.exploded",
            event.time(),
            "{\"job_id\":\"" + event.key() + "\"}",
            true,
            false);
    }
  }

  private WorkloadRecord record(
      boolean lifecycle, String key, String type, Instant time, String data) {
    String id = new UUID(random.nextLong(), random.nextLong()).toString();
    return new WorkloadRecord(lifecycle, key, id, type, time, data, false, false);
  }

  private String pick(List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String monitorName(int index) {
    return String.format("mon-%02d", index);
  }
}
