package io.jobwatch.it;

import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random but reproducible stream of what schedulers and runners publish: job lifecycles (some
 * requeued, crashed, exiting 127 or 137, with runtime status and dependencies), stage reports,
 * re-published records and poison. Lifecycle records come in any order; a service's own stage
 * reports keep their order, as one publisher's would. Not thread-safe.
 */
final class Stream {
  /** A record as published. */
  record Published(String topic, String key, byte[] value) {}

  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  static final String[] SERVICES = {"blast", "hmmer", "clustalo", "jpred", "iupred"};
  static final String[] JOB_RUNNERS = {"slurm", "sge"};
  static final String[] REPORT_RUNNERS = {"agent-a", "agent-b"};
  static final String[] STAGES = {"submit", "start", "check_status"};

  final List<Published> records = new ArrayList<>();

  /** Every distinct valid event, by id. */
  final Map<String, Event> validEvents = new LinkedHashMap<>();

  int poison;
  int republished;

  private final Random random;
  private final String lifecycle;
  private final String errors;
  private final String prefix;
  private final List<Published> lifecycleRecords = new ArrayList<>();
  private final List<List<Published>> reportStreams = new ArrayList<>();
  private final EventDecoder decoder = new EventDecoder();
  private int sequence;

  Stream(long seed, String lifecycle, String errors) {
    this.random = new Random(seed);
    this.lifecycle = lifecycle;
    this.errors = errors;
    this.prefix = "s" + seed + "-";
  }

  /** Builds {@code jobs} jobs and {@code reportsPerStage} reports per reporting stage. */
  Stream generate(int jobs, int reportsPerStage) {
    for (int j = 0; j < jobs; j++) {
      job(j);
    }
    for (String service : SERVICES) {
      for (String runner : REPORT_RUNNERS) {
        for (String stage : STAGES) {
          reportStreams.add(reports(service, runner, stage, reportsPerStage));
        }
      }
    }
    Collections.shuffle(lifecycleRecords, random);
    interleave();
    addRepublished();
    addPoison();
    return this;
  }

  private void job(int j) {
    String id = prefix + "job-" + j;
    String service = SERVICES[random.nextInt(SERVICES.length)];
    String runner = JOB_RUNNERS[random.nextInt(JOB_RUNNERS.length)];
    Instant t = T0.plusSeconds(j * 3L);
    String deps = "";
    if (j > 5 && random.nextInt(6) == 0) {
      String other = prefix + "job-" + (j - 1 - random.nextInt(5));
      deps =
          random.nextBoolean()
              ? ",\"depends_on\":[{\"job_id\":\"" + other + "\"}]"
              : ",\"depends_on\":[{\"job_id\":\""
                  + other
                  + "\",\"accept\":[\"succeeded\",\"cancelled\"]}]";
    }
    lifecycle(
        id,
        "job.submitted",
        t,
        "\"service\":\"" + service + "\",\"runner\":\"" + runner + "\"" + deps);
    if (random.nextInt(20) == 0) {
      lifecycle(id, "job.cancelled", t.plusSeconds(1), "\"reason\":\"user\"");
      return;
    }
    lifecycle(id, "job.queued", t.plusSeconds(1), "\"runner\":\"" + runner + "\",\"attempt\":1");
    int attempts = random.nextInt(8) == 0 ? 2 : 1;
    Instant at = t.plusSeconds(2);
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        lifecycle(id, "job.requeued", at, "\"attempt\":" + attempt + ",\"reason\":\"node lost\"");
        at = at.plusSeconds(1);
      }
      lifecycle(
          id,
          "job.started",
          at,
          "\"runner\":\""
              + runner
              + "\",\"attempt\":"
              + attempt
              + ",\"host\":\"n"
              + random.nextInt(9)
              + "\"");
      int statuses = random.nextInt(3);
      for (int s = 0; s < statuses; s++) {
        at = at.plusMillis(200 + random.nextInt(800));
        lifecycle(id, "job.status", at, "\"attempt\":" + attempt + "," + statusFields());
      }
      at = at.plusSeconds(1 + random.nextInt(3));
      if (attempt < attempts) {
        lifecycle(
            id,
            "job.crashed",
            at,
            "\"attempt\":" + attempt + ",\"blame\":\"third_party\",\"cause\":\"network\"");
        at = at.plusSeconds(1);
      } else {
        ending(id, attempt, at);
      }
    }
    if (random.nextInt(15) == 0) {
      // A status report arriving for a job before it ran: ignored, kept in the history.
      lifecycle(id, "job.status", t.plusMillis(500), "\"attempt\":1,\"error\":\"too early\"");
    }
  }

  private String statusFields() {
    return switch (random.nextInt(3)) {
      case 0 -> "\"warning\":\"slow disk " + random.nextInt(4) + "\"";
      case 1 -> "\"error\":\"child " + random.nextInt(4) + " failed\"";
      default ->
          "\"activity\":\"step "
              + random.nextInt(9)
              + "\",\"progress\":{\"complete\":"
              + random.nextInt(5)
              + ",\"waiting\":1,\"failed\":0}";
    };
  }

  private void ending(String id, int attempt, Instant at) {
    int roll = random.nextInt(20);
    if (roll < 12) {
      lifecycle(id, "job.finished", at, "\"attempt\":" + attempt + ",\"exit_code\":0");
    } else if (roll < 14) {
      lifecycle(id, "job.finished", at, "\"attempt\":" + attempt + ",\"exit_code\":1");
    } else if (roll < 16) {
      lifecycle(id, "job.finished", at, "\"attempt\":" + attempt + ",\"exit_code\":127");
    } else if (roll < 17) {
      lifecycle(id, "job.finished", at, "\"attempt\":" + attempt + ",\"exit_code\":137");
    } else {
      String blame = new String[] {"platform", "task", "third_party"}[random.nextInt(3)];
      String blameJson = random.nextInt(4) == 0 ? "null" : "\"" + blame + "\"";
      lifecycle(
          id,
          "job.crashed",
          at,
          "\"attempt\":"
              + attempt
              + ",\"blame\":"
              + blameJson
              + ",\"cause\":\"oom\",\"details\":\"killed at 3 GiB\"");
    }
  }

  private List<Published> reports(String service, String runner, String stage, int count) {
    List<Published> stream = new ArrayList<>();
    Instant at = T0.plusSeconds(random.nextInt(60));
    for (int i = 0; i < count; i++) {
      at = at.plusSeconds(1 + random.nextInt(20));
      int roll = random.nextInt(10);
      String type = roll < 4 ? "stage.ok" : "stage.error";
      String data =
          "\"service\":\""
              + service
              + "\",\"runner\":\""
              + runner
              + "\",\"stage\":\""
              + stage
              + "\"";
      if (type.equals("stage.error")) {
        String errorClass =
            roll < 8 ? "ConnectionError" : (roll == 8 ? "CalledProcessError" : "ValueError");
        data += ",\"error_class\":\"" + errorClass + "\",\"message\":\"attempt " + i + "\"";
      }
      stream.add(record(errors, service, type, at, data));
    }
    return stream;
  }

  private void lifecycle(String jobId, String type, Instant time, String fields) {
    lifecycleRecords.add(
        record(lifecycle, jobId, type, time, "\"job_id\":\"" + jobId + "\"," + fields));
  }

  private Published record(String topic, String key, String type, Instant time, String dataFields) {
    String id = prefix + "e" + (sequence++);
    String json = Envelopes.event(id, type, time, "{" + dataFields + "}");
    byte[] value = json.getBytes(StandardCharsets.UTF_8);
    Decoded decoded = decoder.decode(value);
    if (!(decoded instanceof Decoded.Accepted accepted)) {
      throw new IllegalStateException("generated an invalid event: " + decoded + " from " + json);
    }
    validEvents.put(id, accepted.event());
    return new Published(topic, key, value);
  }

  /** Random interleaving that keeps each stage's reports in their own order. */
  private void interleave() {
    List<Integer> cursors = new ArrayList<>(Collections.nCopies(reportStreams.size(), 0));
    int remaining = reportStreams.stream().mapToInt(List::size).sum();
    int lifecycleIndex = 0;
    while (remaining > 0 || lifecycleIndex < lifecycleRecords.size()) {
      boolean takeReport =
          remaining > 0
              && (lifecycleIndex >= lifecycleRecords.size()
                  || random.nextInt(remaining + lifecycleRecords.size() - lifecycleIndex)
                      < remaining);
      if (takeReport) {
        int stream;
        do {
          stream = random.nextInt(reportStreams.size());
        } while (cursors.get(stream) >= reportStreams.get(stream).size());
        records.add(reportStreams.get(stream).get(cursors.get(stream)));
        cursors.set(stream, cursors.get(stream) + 1);
        remaining--;
      } else {
        records.add(lifecycleRecords.get(lifecycleIndex++));
      }
    }
  }

  /** Publishers retry: about 3% of records are published again, later. */
  private void addRepublished() {
    int count = records.size() * 3 / 100;
    for (int i = 0; i < count; i++) {
      int from = random.nextInt(records.size());
      Published copy = records.get(from);
      records.add(from + random.nextInt(records.size() - from) + 1, copy);
      republished++;
    }
  }

  private void addPoison() {
    List<Published> poisonRecords = new ArrayList<>();
    poisonRecords.add(
        new Published(lifecycle, "x", "not json at all".getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(lifecycle, "x", new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}));
    poisonRecords.add(
        new Published(lifecycle, "x", "{\"specversion\":\"1.0\"".getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(
            errors,
            "blast",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                .getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(
            lifecycle,
            "x",
            Envelopes.event("job.finished", T0, "{\"attempt\":1,\"exit_code\":0}")
                .getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(
            lifecycle,
            "x",
            Envelopes.event("job.exploded", T0, "{\"job_id\":\"j\"}")
                .getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(
            lifecycle,
            "x",
            Envelopes.event(
                    "job.finished", T0, "{\"job_id\":\"j\",\"attempt\":1,\"exit_code\":300}")
                .getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(
            errors,
            "blast",
            ("{\"specversion\":\"0.3\",\"id\":\"p\",\"source\":\"/x\",\"type\":\"stage.ok\",\"time\":\"2026-11-22T08:00:00Z\",\"data\":{\"service\":\"a\",\"runner\":\"b\",\"stage\":\"c\"}}")
                .getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(
        new Published(
            errors,
            "blast",
            ("{\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8)));
    poisonRecords.add(new Published(lifecycle, "x", new byte[0]));
    int extra = Math.max(0, records.size() / 100 - poisonRecords.size());
    for (int i = 0; i < extra; i++) {
      poisonRecords.add(
          new Published(
              lifecycle, "p" + i, ("{\"garbage\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
    }
    for (Published poisonRecord : poisonRecords) {
      records.add(random.nextInt(records.size() + 1), poisonRecord);
      poison++;
    }
  }

  /** Publishes everything, in order, and waits for the broker's acknowledgements. */
  void publish(Harness harness) {
    for (Published record : records) {
      harness.send(record.topic(), record.key(), record.value());
    }
    harness.flush();
  }

  /** Publishes records [from, to). */
  void publish(Harness harness, int from, int to) {
    for (Published record : records.subList(from, to)) {
      harness.send(record.topic(), record.key(), record.value());
    }
    harness.flush();
  }
}
