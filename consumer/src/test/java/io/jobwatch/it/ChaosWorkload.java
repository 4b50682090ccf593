package io.jobwatch.it;

import io.jobwatch.contract.BinaryMode;
import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A reproducible mixed workload in the shape real schedulers, runners and cron scripts publish it,
 * for {@link ChaosReferenceIT}: several services and runners, retries with {@code job.requeued},
 * crashes with blame, exit 126/127/137/255, runtime errors and warnings then requeue, dependencies,
 * monitor runs, stage reports on the errors topic, publisher retries (the same record again,
 * later), publisher clock skew (event times ahead of the record timestamp) and reordering in time
 * within a job's partition, plus invalid records. Every record carries an explicit record
 * timestamp, so the clock-skew bound is part of the expectation. Not thread-safe.
 */
final class ChaosWorkload {
  /** One record as published, in publishing order; {@code eventId} is null for poison. */
  record Published(
      String topic,
      String key,
      byte[] value,
      Map<String, String> headers,
      Instant timestamp,
      String eventId,
      boolean poison) {}

  static final String[] SERVICES = {"blast", "hmmer", "jpred"};
  static final String[] RUNNERS = {"slurm", "sge"};
  static final String[] REPORTED_STAGES = {"submit", "start", "check_status"};
  static final String[] MONITORS = {"nightly-backup", "hourly-sync", "cleanup", "tie-monitor"};
  static final Duration MAX_SKEW = Duration.ofMinutes(5);

  final List<Published> records = new ArrayList<>();

  /** Every distinct valid event by id, at the time it is folded at (bounded to its record). */
  final Map<String, Event> folded = new LinkedHashMap<>();

  /** The monitor each monitored job runs for. */
  final Map<String, String> monitorOfJob = new LinkedHashMap<>();

  /** The monitors paused (and not resumed) and retired at the end of the stream. */
  final List<String> pausedMonitors = new ArrayList<>();

  final List<String> retiredMonitors = new ArrayList<>();

  int poison;
  int republished;
  int skewed;

  /**
   * What a publisher sends: {@code binary} is the CloudEvents SDKs' default mode (ce_ headers, the
   * data as the value, times with a UTC offset as Python's isoformat writes them); a {@code coarse}
   * clock stamps whole seconds, so a job's events share instants.
   */
  private record Draft(
      Instant time,
      String topic,
      String key,
      String type,
      String data,
      boolean skew,
      boolean binary,
      boolean coarse,
      boolean late) {}

  private final Random random;
  private final String prefix;
  private final String lifecycle;
  private final String errors;
  private final Instant t0;
  private final List<Draft> drafts = new ArrayList<>();
  private final EventDecoder decoder = new EventDecoder();
  private int sequence;
  private boolean binaryPublisher;
  private boolean coarsePublisher;
  private int skewOdds;

  ChaosWorkload(long seed, String lifecycle, String errors, Instant t0) {
    // Mixed: java.util.Random's first draws from neighbouring seeds are alike.
    this.random = new Random(new SplittableRandom(seed).nextLong());
    this.prefix = "c" + seed + "-";
    this.lifecycle = lifecycle;
    this.errors = errors;
    this.t0 = t0;
  }

  /** {@code jobs} jobs, about one stage report per (service, runner, stage) every 40 s. */
  ChaosWorkload generate(int jobs) {
    for (String monitor : MONITORS) {
      lifecycle(
          t0,
          monitor,
          "monitor.declared",
          "\"monitor\":\""
              + monitor
              + "\",\"team\":\"ops\",\"schedule\":{\"every\":\"PT1H\"},\"grace\":\"PT30M\"",
          false);
    }
    Instant end = t0;
    for (int j = 0; j < jobs; j++) {
      Instant last = job(j, t0.plusSeconds(5 + j * 4L));
      end = last.isAfter(end) ? last : end;
    }
    Instant longEnd = longJob(t0.plusSeconds(10), Duration.between(t0, end).getSeconds() / 2);
    end = longEnd.isAfter(end) ? longEnd : end;
    for (String service : SERVICES) {
      for (String runner : RUNNERS) {
        for (String stage : REPORTED_STAGES) {
          reports(service, runner, stage, end);
        }
      }
    }
    // Paused and resumed in one instant: resume wins (docs/monitors.md, "Fold rules").
    boolean resumeFirst = random.nextBoolean();
    lifecycle(
        end.plusSeconds(4),
        MONITORS[3],
        resumeFirst ? "monitor.resumed" : "monitor.paused",
        monitorData(MONITORS[3]),
        false);
    lifecycle(
        end.plusSeconds(4),
        MONITORS[3],
        resumeFirst ? "monitor.paused" : "monitor.resumed",
        monitorData(MONITORS[3]),
        false);
    pausedMonitors.add(MONITORS[1]);
    lifecycle(end.plusSeconds(5), MONITORS[1], "monitor.paused", monitorData(MONITORS[1]), false);
    retiredMonitors.add(MONITORS[2]);
    lifecycle(end.plusSeconds(6), MONITORS[2], "monitor.retired", monitorData(MONITORS[2]), false);
    publishOrder();
    addRepublished();
    addPoison();
    return this;
  }

  private static String monitorData(String monitor) {
    return "\"monitor\":\"" + monitor + "\"";
  }

  /** One job's events from {@code t}; returns the time of its last event. */
  private Instant job(int j, Instant t) {
    String id = prefix + "job-" + j;
    String service = SERVICES[random.nextInt(SERVICES.length)];
    String runner = RUNNERS[random.nextInt(RUNNERS.length)];
    boolean monitored = random.nextInt(8) == 0;
    // Monitored runs keep their clocks and one attempt: the monitor's times are then one run's.
    boolean skewAllowed = !monitored;
    binaryPublisher = random.nextInt(3) == 0;
    // A monitored run keeps its start honest; its end may come from a clock running ahead.
    skewOdds = monitored ? 4 : 30;
    coarsePublisher = random.nextInt(4) == 0;
    StringBuilder submitted = new StringBuilder("\"service\":\"" + service + "\"");
    if (random.nextInt(4) != 0) {
      submitted.append(",\"runner\":\"").append(runner).append('"');
    }
    if (monitored) {
      String monitor = MONITORS[random.nextInt(MONITORS.length)];
      monitorOfJob.put(id, monitor);
      submitted.append(",\"monitor\":\"").append(monitor).append('"');
    }
    if (j > 3 && random.nextInt(7) == 0) {
      String other = prefix + "job-" + (j - 1 - random.nextInt(3));
      submitted.append(",\"depends_on\":[{\"job_id\":\"").append(other).append("\"");
      if (random.nextBoolean()) {
        submitted.append(",\"accept\":[\"succeeded\",\"failed\"]");
      }
      submitted.append("}]");
    }
    // A cron script reports no submission: its job.started names service and monitor.
    String cronFields = "";
    if (monitored && random.nextBoolean()) {
      cronFields = ",\"service\":\"" + service + "\",\"monitor\":\"" + monitorOfJob.get(id) + "\"";
      return runs(id, runner, t, 1, cronFields, true, false);
    }
    job(id, t, "job.submitted", submitted.toString(), skewAllowed);
    if (!monitored && random.nextInt(25) == 0) {
      job(id, t.plusMillis(700), "job.cancelled", "\"reason\":\"user\"", skewAllowed);
      return t.plusMillis(700);
    }
    Instant at = t.plusMillis(300 + random.nextInt(700));
    job(id, at, "job.queued", "\"runner\":\"" + runner + "\",\"attempt\":1", skewAllowed);
    if (random.nextInt(8) == 0) {
      at = at.plusMillis(400);
      job(id, at, "job.waiting", "\"reason\":\"resources\"", skewAllowed);
    }
    if (!monitored && random.nextInt(30) == 0) {
      // A status report before the job ran: ignored, kept in the history.
      job(id, at.plusMillis(100), "job.status", "\"attempt\":1,\"error\":\"too early\"", false);
    }
    int attempts = monitored ? 1 : (random.nextInt(6) == 0 ? 2 + random.nextInt(2) : 1);
    return runs(id, runner, at.plusSeconds(1), attempts, cronFields, monitored, skewAllowed);
  }

  /** The attempts of a job from {@code at}; returns the time of its last event. */
  private Instant runs(
      String id,
      String runner,
      Instant at,
      int attempts,
      String startFields,
      boolean monitored,
      boolean skewAllowed) {
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        // Attempts are far apart: a skewed clock bounded to its record stays within its attempt.
        at = at.plusSeconds(6);
        job(id, at, "job.requeued", "\"attempt\":" + attempt + ",\"reason\":\"retry\"", false);
        at = at.plusSeconds(6);
      }
      job(
          id,
          at,
          "job.started",
          "\"runner\":\""
              + runner
              + "\",\"attempt\":"
              + attempt
              + ",\"host\":\"n"
              + random.nextInt(9)
              + "\""
              + startFields,
          skewAllowed);
      int statuses = random.nextInt(4);
      for (int s = 0; s < statuses; s++) {
        at = at.plusMillis(150 + random.nextInt(600));
        job(id, at, "job.status", "\"attempt\":" + attempt + "," + statusFields(), skewAllowed);
      }
      at = at.plusMillis(500 + random.nextInt(2500));
      if (attempt < attempts) {
        switch (random.nextInt(3)) {
          case 0 ->
              job(
                  id,
                  at,
                  "job.crashed",
                  "\"attempt\":"
                      + attempt
                      + ",\"blame\":\"third_party\",\"cause\":\"network\",\"details\":\"mirror\"",
                  skewAllowed);
          case 1 ->
              job(
                  id,
                  at,
                  "job.finished",
                  "\"attempt\":" + attempt + ",\"exit_code\":1",
                  skewAllowed);
          default -> {
            // Requeued while running, after a runtime error: the requeue clears it.
            job(
                id,
                at,
                "job.status",
                "\"attempt\":" + attempt + ",\"error\":\"lost node\",\"warning\":\"slow\"",
                skewAllowed);
          }
        }
      } else {
        at = ending(id, attempt, at, monitored, true);
      }
    }
    return at;
  }

  /**
   * A long job that reports its status about every second, well over the fold's snapshot interval
   * (1,000 events), through two attempts; some of its reports come late or from a clock ahead, so
   * some fold from a snapshot. Returns the time of its last event.
   */
  private Instant longJob(Instant t, long secondsPerAttempt) {
    String id = prefix + "long-0";
    binaryPublisher = false;
    coarsePublisher = false;
    skewOdds = 30;
    job(id, t, "job.submitted", "\"service\":\"blast\",\"runner\":\"slurm\"", true);
    job(id, t.plusMillis(500), "job.queued", "\"runner\":\"slurm\",\"attempt\":1", true);
    Instant at = t.plusSeconds(2);
    for (int attempt = 1; attempt <= 2; attempt++) {
      if (attempt == 2) {
        at = at.plusSeconds(6);
        job(id, at, "job.requeued", "\"attempt\":2,\"reason\":\"preempted\"", false);
        at = at.plusSeconds(6);
      }
      job(id, at, "job.started", "\"runner\":\"slurm\",\"attempt\":" + attempt, true);
      Instant attemptEnd = at.plusSeconds(secondsPerAttempt);
      while (at.isBefore(attemptEnd)) {
        at = at.plusMillis(700 + random.nextInt(600));
        job(id, at, "job.status", "\"attempt\":" + attempt + "," + statusFields(), true);
      }
    }
    at = at.plusSeconds(1);
    if (random.nextBoolean()) {
      job(id, at, "job.finished", "\"attempt\":2,\"exit_code\":0", true);
    }
    return at;
  }

  private String statusFields() {
    return switch (random.nextInt(5)) {
      case 0 -> "\"warning\":\"slow disk " + random.nextInt(4) + "\"";
      case 1 -> "\"error\":\"child " + random.nextInt(4) + " failed\"";
      case 2 -> "\"error\":\"\",\"warning\":\"\",\"activity\":\"step " + random.nextInt(9) + "\"";
      case 3 -> "\"error\":\"disk quota " + random.nextInt(4) + "\",\"activity\":\"retrying\"";
      default ->
          "\"activity\":\"step "
              + random.nextInt(9)
              + "\",\"progress\":{\"complete\":"
              + random.nextInt(5)
              + ",\"waiting\":1,\"failed\":0}";
    };
  }

  private Instant ending(String id, int attempt, Instant at, boolean monitored, boolean skew) {
    int roll = random.nextInt(monitored ? 14 : 24);
    String a = "\"attempt\":" + attempt;
    if (roll < 8) {
      job(id, at, "job.finished", a + ",\"exit_code\":0", skew);
    } else if (roll < 10) {
      job(id, at, "job.finished", a + ",\"exit_code\":1", skew);
    } else if (roll < 11) {
      job(id, at, "job.finished", a + ",\"exit_code\":255", skew);
    } else if (roll < 12) {
      job(id, at, "job.finished", a + ",\"exit_code\":137", skew);
    } else if (roll < 13) {
      job(id, at, "job.finished", a + ",\"exit_code\":" + (random.nextBoolean() ? 126 : 127), skew);
    } else if (roll < 14) {
      String blame =
          new String[] {"\"platform\"", "\"task\"", "\"third_party\"", "null"}[random.nextInt(4)];
      job(
          id,
          at,
          "job.crashed",
          a + ",\"blame\":" + blame + ",\"cause\":\"oom\",\"details\":\"killed at 3 GiB\"",
          skew);
    } else if (roll < 16) {
      job(
          id,
          at,
          "job.crashed",
          a
              + ",\"blame\":\"platform\",\"cause\":\"not_started\",\"details\":\"ImagePullBackOff\","
              + "\"fatal\":true",
          skew);
    } else if (roll < 18) {
      // A job.finished of the same attempt explained later by the runner.
      job(id, at, "job.finished", a + ",\"exit_code\":137", skew);
      job(
          id,
          at.plusMillis(300),
          "job.crashed",
          a + ",\"blame\":\"platform\",\"cause\":\"killed_by_watchdog\"",
          skew);
      at = at.plusMillis(300);
    } else if (roll < 20) {
      job(id, at, "job.cancelled", "\"reason\":\"user\"", skew);
    } else if (roll < 21) {
      // A duplicate terminal report from another component, a moment later: history only.
      job(id, at, "job.finished", a + ",\"exit_code\":0", skew);
      job(id, at.plusMillis(50), "job.finished", a + ",\"exit_code\":1", skew);
    }
    // Otherwise still running at the end of the stream.
    return at;
  }

  private void reports(String service, String runner, String stage, Instant end) {
    boolean binary = runner.equals("sge");
    boolean coarse = service.equals("jpred");
    Instant at = t0.plusSeconds(random.nextInt(40));
    while (at.isBefore(end)) {
      int roll = random.nextInt(20);
      String data =
          "\"service\":\""
              + service
              + "\",\"runner\":\""
              + runner
              + "\",\"stage\":\""
              + stage
              + "\"";
      String type = roll < 7 ? "stage.ok" : "stage.error";
      if (type.equals("stage.error")) {
        String errorClass =
            roll < 14
                ? "ConnectionError"
                : roll < 17
                    ? "subprocess.CalledProcessError"
                    : roll < 18 ? "KeyError" : "TimeoutError";
        data += ",\"error_class\":\"" + errorClass + "\",\"message\":\"sbatch said no\"";
        if (roll == 19) {
          data += ",\"severity\":\"warning\"";
        }
        if (random.nextInt(3) == 0) {
          data += ",\"job_id\":\"" + prefix + "job-" + random.nextInt(50) + "\"";
        }
      }
      drafts.add(
          new Draft(
              at, errors, service, type, data, random.nextInt(40) == 0, binary, coarse, false));
      at = at.plusSeconds(5 + random.nextInt(70));
    }
  }

  private void job(String jobId, Instant time, String type, String fields, boolean skewAllowed) {
    drafts.add(
        new Draft(
            time,
            lifecycle,
            jobId,
            type,
            "\"job_id\":\"" + jobId + "\"," + fields,
            skewAllowed && random.nextInt(skewOdds) == 0,
            binaryPublisher,
            coarsePublisher,
            skewOdds > 4 && random.nextInt(50) == 0));
  }

  private void lifecycle(Instant time, String key, String type, String data, boolean skew) {
    drafts.add(new Draft(time, lifecycle, key, type, data, skew, false, false, false));
  }

  /**
   * Record timestamps are the event's true time plus up to 2 s of publishing delay; records go out
   * in timestamp order, so a job's events may reach its partition out of time order. A skewed
   * publisher stamps its event 10 to 90 minutes ahead of the record.
   */
  private void publishOrder() {
    List<Published> out = new ArrayList<>();
    for (Draft draft : drafts) {
      // A late record left a runner's spool one to three minutes after it happened.
      Instant timestamp =
          draft.time.plusMillis(
              draft.late ? 60_000 + random.nextInt(120_000) : random.nextInt(2_000));
      Instant sent = draft.skew ? timestamp.plusSeconds(600 + random.nextInt(4_800)) : draft.time;
      if (draft.coarse) {
        sent = sent.truncatedTo(ChronoUnit.SECONDS);
      }
      String id = prefix + "e" + (sequence++);
      String json;
      byte[] value;
      Map<String, String> headers = null;
      Decoded decoded;
      if (draft.binary) {
        headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", id);
        headers.put("ce_source", "/runner/" + draft.key);
        headers.put("ce_type", draft.type);
        headers.put(
            "ce_time",
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                sent.atOffset(ZoneOffset.ofHours(random.nextBoolean() ? 0 : 1))));
        headers.put("content-type", "application/json");
        json = "{" + draft.data + "}";
        value = json.getBytes(StandardCharsets.UTF_8);
        List<BinaryMode.Header> binaryHeaders = new ArrayList<>();
        headers.forEach((name, text) -> binaryHeaders.add(BinaryMode.Header.text(name, text)));
        decoded = decoder.decode(binaryHeaders, value);
      } else {
        json = Envelopes.event(id, draft.type, sent, "{" + draft.data + "}");
        value = json.getBytes(StandardCharsets.UTF_8);
        decoded = decoder.decode(value);
      }
      if (!(decoded instanceof Decoded.Accepted accepted)) {
        throw new IllegalStateException("generated an invalid event: " + decoded + " from " + json);
      }
      Event event = accepted.event();
      if (Duration.between(timestamp, sent).compareTo(MAX_SKEW) > 0) {
        // docs/operators.md, "Clock skew": folded at the record timestamp.
        event = event.withTime(timestamp);
        skewed++;
      }
      folded.put(id, event);
      out.add(new Published(draft.topic, draft.key, value, headers, timestamp, id, false));
    }
    out.sort(Comparator.comparing(Published::timestamp));
    records.addAll(out);
  }

  /** Publishers retry: about 3% of records are published again, up to 200 records later. */
  private void addRepublished() {
    int count = records.size() * 3 / 100;
    for (int i = 0; i < count; i++) {
      int from = random.nextInt(records.size());
      Published original = records.get(from);
      int to = Math.min(records.size(), from + 1 + random.nextInt(200));
      Instant timestamp = records.get(to - 1).timestamp();
      records.add(
          to,
          new Published(
              original.topic(),
              original.key(),
              original.value(),
              original.headers(),
              timestamp.isAfter(original.timestamp()) ? timestamp : original.timestamp(),
              original.eventId(),
              false));
      republished++;
    }
  }

  private void addPoison() {
    List<String[]> poisonRecords = new ArrayList<>();
    poisonRecords.add(new String[] {lifecycle, "x", "not json at all"});
    poisonRecords.add(new String[] {lifecycle, prefix + "job-1", "{\"specversion\":\"1.0\""});
    poisonRecords.add(
        new String[] {
          lifecycle,
          prefix + "job-2",
          Envelopes.event(
              "job.finished",
              t0,
              "{\"job_id\":\"" + prefix + "job-2\",\"attempt\":1,\"exit_code\":300}")
        });
    poisonRecords.add(
        new String[] {
          lifecycle,
          prefix + "job-3",
          Envelopes.event("job.exploded", t0, "{\"job_id\":\"" + prefix + "job-3\"}")
        });
    poisonRecords.add(
        new String[] {
          lifecycle,
          "wrong-key",
          Envelopes.event(
              "job.started",
              t0,
              "{\"job_id\":\"" + prefix + "job-4\",\"runner\":\"slurm\",\"attempt\":1}")
        });
    poisonRecords.add(
        new String[] {
          errors,
          "slurm",
          Envelopes.event(
              "stage.ok", t0, "{\"service\":\"blast\",\"runner\":\"slurm\",\"stage\":\"submit\"}")
        });
    poisonRecords.add(
        new String[] {
          errors,
          "blast",
          Envelopes.event(
              "stage.error",
              t0,
              "{\"service\":\"blast\",\"runner\":\"slurm\",\"stage\":\"submit\","
                  + "\"error_class\":\"OSError\",\"message\":\"m\",\"severity\":\"apocalyptic\"}")
        });
    poisonRecords.add(
        new String[] {
          lifecycle,
          prefix + "job-5",
          Envelopes.event(
              "job.crashed",
              t0,
              "{\"job_id\":\"" + prefix + "job-5\",\"attempt\":1,\"blame\":\"the intern\"}")
        });
    for (String[] poisonRecord : poisonRecords) {
      int at = random.nextInt(records.size() + 1);
      Instant timestamp = at == 0 ? t0 : records.get(at - 1).timestamp();
      records.add(
          at,
          new Published(
              poisonRecord[0],
              poisonRecord[1],
              poisonRecord[2].getBytes(StandardCharsets.UTF_8),
              null,
              timestamp,
              null,
              true));
      poison++;
    }
  }
}
