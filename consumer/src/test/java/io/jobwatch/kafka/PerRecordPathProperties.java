package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 10.1: extreme and malformed-but-plausible values thrown at the contract decoder and the
 * pure folds. Each record is either rejected with a reason, or decodes into an event that the job,
 * stage and monitor folds (and the monitor evaluation the writer runs per batch) handle without an
 * exception, and whose stored envelope reads back.
 */
class PerRecordPathProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EventDecoder DECODER = new EventDecoder();

  private static final List<String> TIMES =
      List.of(
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999999Z",
          "1970-01-01T00:00:00Z",
          "2026-11-22T10:00:00+14:00",
          "2026-11-22T10:00:00-12:00",
          "2026-11-22t10:00:00z",
          "2026-02-29T10:00:00Z",
          "2026-12-31T23:59:60Z",
          "2026-11-22T10:00:00.123456789Z",
          "+10000-01-01T00:00:00Z",
          "0000-01-01T00:00:00Z");

  private static final List<Object> NUMBERS =
      List.of(
          0,
          1,
          -1,
          126,
          127,
          128 + 9,
          255,
          256,
          1_000_000,
          1_000_001,
          Integer.MAX_VALUE,
          (long) Integer.MAX_VALUE + 1,
          (long) Integer.MIN_VALUE - 1,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          BigInteger.TWO.pow(80),
          1.5,
          1e300,
          -0.0);

  private static final List<String> DURATIONS =
      List.of(
          "PT0S",
          "PT1S",
          "PT0.000000001S",
          "PT15M",
          "P1D",
          "P1W",
          "P366D",
          "P367D",
          "P9999999999999D",
          "P99999999999999999999D",
          "PT9223372036854775807S",
          "P106751991167300D",
          "P1000000W",
          "-PT1S",
          "P1Y");

  private static final List<String> CRONS =
      List.of(
          "0 3 * * *",
          "*/0 * * * *",
          "0 0 31 2 *",
          "59 23 29 2 *",
          "* * * * * * *",
          "99 99 99 99 99",
          "0 0 1 1 0-6/9999999999");

  /** The fields each type's schema allows (additionalProperties is false everywhere). */
  private static final Map<String, List<String>> FIELDS =
      Map.ofEntries(
          Map.entry("job.submitted", List.of("job_id", "service", "runner", "monitor", "labels")),
          Map.entry("job.queued", List.of("job_id", "service", "runner", "attempt")),
          Map.entry("job.waiting", List.of("job_id", "service", "runner", "reason")),
          Map.entry("job.started", List.of("job_id", "service", "runner", "attempt", "monitor")),
          Map.entry(
              "job.status",
              List.of("job_id", "attempt", "error", "warning", "activity", "progress")),
          Map.entry("job.finished", List.of("job_id", "service", "attempt", "exit_code")),
          Map.entry(
              "job.crashed", List.of("job_id", "attempt", "blame", "cause", "details", "fatal")),
          Map.entry("job.cancelled", List.of("job_id", "reason")),
          Map.entry("job.requeued", List.of("job_id", "attempt", "reason")),
          Map.entry(
              "stage.error",
              List.of(
                  "service", "runner", "stage", "error_class", "message", "job_id", "severity")),
          Map.entry("stage.ok", List.of("service", "runner", "stage")),
          Map.entry(
              "monitor.declared", List.of("monitor", "team", "schedule", "grace", "max_runtime")),
          Map.entry("monitor.paused", List.of("monitor")),
          Map.entry("monitor.resumed", List.of("monitor")),
          Map.entry("monitor.retired", List.of("monitor")));

  @Property(tries = 800)
  @Label("No extreme value escapes decode and fold as an exception")
  void nothingEscapesDecodeAndFold(@ForAll("records") String envelope) {
    byte[] value = envelope.getBytes(StandardCharsets.UTF_8);
    Throwable escaped = null;
    String outcome;
    try {
      outcome = decodeAndFold(value);
    } catch (RuntimeException | StackOverflowError e) {
      escaped = e;
      outcome = "threw " + e;
    }
    Statistics.label("outcome").collect(outcome.startsWith("threw") ? "threw" : outcome);
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("job folded").count(count -> count > 30);
              coverage.check("stage folded").count(count -> count > 10);
              coverage.check("monitor folded").count(count -> count > 10);
            });
    assertThat(escaped)
        .as("%s for %s", outcome, new String(value, StandardCharsets.UTF_8))
        .isNull();
  }

  /** Runs the per-record path without I/O; returns what happened. */
  private static String decodeAndFold(byte[] value) {
    Decoded decoded = DECODER.decode(value);
    if (decoded instanceof Decoded.Rejected rejected) {
      assertThat(rejected.reason()).isNotBlank();
      return "rejected";
    }
    Decoded.Accepted accepted = (Decoded.Accepted) decoded;
    Event event = accepted.event();
    assertThat(DECODER.decodeStored(accepted.json()).id()).isEqualTo(event.id());
    if (event instanceof JobEvent job) {
      JobFold.Result result = JobFold.fold(List.of(job));
      assertThat(result.row()).isNotNull();
      List<StageObservation> evidence = result.stageEvidence();
      for (StageObservation observation : evidence) {
        StageFold.apply(null, observation.key(), List.of(observation), StagePolicy.defaults());
      }
      return "job folded";
    }
    if (event instanceof StageEvent stage) {
      StageHealth health =
          StageFold.apply(
              null, stage.key(), List.of(StageObservation.of(stage)), StagePolicy.defaults());
      assertThat(health).isNotNull();
      return "stage folded";
    }
    MonitorState state = MonitorFold.apply(null, (MonitorEvent) event);
    if (state != null) {
      MonitorEvaluator.evaluate(state, event.time());
      MonitorEvaluator.evaluate(state, java.time.Instant.parse("2026-11-22T10:00:00Z"));
    }
    return "monitor folded";
  }

  @Provide
  Arbitrary<String> records() {
    Arbitrary<String> type =
        Arbitraries.of(
            "job.submitted",
            "job.queued",
            "job.waiting",
            "job.started",
            "job.status",
            "job.finished",
            "job.crashed",
            "job.cancelled",
            "job.requeued",
            "stage.error",
            "stage.ok",
            "monitor.declared",
            "monitor.paused",
            "monitor.resumed",
            "monitor.retired");
    Arbitrary<String> time =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just("2026-11-22T10:00:00Z")),
            Tuple.of(2, Arbitraries.of(TIMES)));
    return Combinators.combine(type, time, data(), strings())
        .as(
            (eventType, eventTime, data, id) -> {
              Map<String, Object> envelope = new LinkedHashMap<>();
              envelope.put("specversion", "1.0");
              envelope.put("id", id.isEmpty() ? "x" : id);
              envelope.put("source", "/property");
              envelope.put("type", eventType);
              envelope.put("time", eventTime);
              envelope.put("datacontenttype", "application/json");
              Map<String, Object> allowed = new LinkedHashMap<>();
              for (String field : FIELDS.get(eventType)) {
                if (data.get(field) != null) {
                  allowed.put(field, data.get(field));
                }
              }
              envelope.put("data", allowed);
              try {
                return JSON.writeValueAsString(envelope);
              } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  /** A data object with every field any type uses, each from its own extreme values. */
  private Arbitrary<Map<String, Object>> data() {
    Arbitrary<Object> name =
        Arbitraries.frequencyOf(
            Tuple.of(4, names()), Tuple.of(1, strings().map(text -> (Object) text)));
    Arbitrary<Object> number =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.integers().between(1, 255).map(n -> (Object) n)),
            Tuple.of(3, Arbitraries.of(NUMBERS)));
    Arbitrary<Object> schedule =
        Arbitraries.oneOf(
            Arbitraries.of(DURATIONS).map(every -> (Object) Map.of("every", every)),
            Combinators.combine(
                    Arbitraries.of(CRONS),
                    Arbitraries.of("UTC", "Europe/Berlin", "Pacific/Kiritimati", "Nowhere/City"))
                .as((cron, zone) -> (Object) Map.of("cron", cron, "timezone", zone)));
    return Combinators.combine(
            name, name, number, number, Arbitraries.of(DURATIONS), schedule, labels(), strings())
        .as(
            (service, monitor, attempt, exitCode, grace, plan, labels, text) -> {
              Map<String, Object> data = new LinkedHashMap<>();
              data.put("job_id", service);
              data.put("service", service);
              data.put("runner", "slurm");
              data.put("stage", "submit");
              data.put("attempt", attempt);
              data.put("exit_code", exitCode);
              data.put("blame", "platform");
              data.put("cause", "oom");
              data.put("fatal", true);
              data.put("details", text);
              data.put("error", text);
              data.put("warning", text);
              data.put("activity", text);
              data.put("progress", Map.of("complete", exitCode, "waiting", 0, "failed", 1));
              data.put("reason", "dependencies");
              data.put("error_class", "OSError");
              data.put("message", text);
              data.put("severity", "error");
              data.put("monitor", monitor);
              data.put("team", "ops");
              data.put("schedule", plan);
              data.put("grace", grace);
              data.put("max_runtime", grace);
              data.put("labels", labels);
              return data;
            });
  }

  private static Arbitrary<Object> names() {
    return Arbitraries.of(
        "blast", "a", "A".repeat(100), "A".repeat(101), "svc.-:_9", "-leading", "ünïcödé");
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "",
            "plain",
            "\u202Eright-to-left",
            "zero\u200Bwidth",
            "e\u0301\u0301\u0301",
            "\uD83D\uDE00\uD83D\uDE00",
            "\uD800",
            "tab\tnewline\n",
            "x".repeat(8192),
            "x".repeat(8193),
            "x".repeat(100_000)),
        Arbitraries.strings().ofMaxLength(300));
  }

  /** Labels: flat, deep (nested far beyond any sane depth) or odd. */
  private static Arbitrary<Object> labels() {
    return Arbitraries.integers()
        .between(0, 990)
        .map(
            depth -> {
              Object value = "leaf";
              for (int i = 0; i < depth; i++) {
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("k", value);
                value = level;
              }
              if (depth % 3 == 0) {
                List<Object> list = new ArrayList<>();
                list.add(value);
                return list;
              }
              return value;
            });
  }
}
