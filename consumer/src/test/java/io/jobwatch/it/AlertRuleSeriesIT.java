package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The alert and recording rules of {@code deploy/prometheus/rules} read from a real scrape, not
 * from the hand-written series of the promtool tests: every metric name an expression (or an
 * annotation's query) names, every label it matches, groups by or prints, and every label value it
 * matches exactly, exists in what a running jobwatch serves after a stream that fills every family.
 */
class AlertRuleSeriesIT extends SharedAppIT {
  private static final Path RULES =
      Path.of("..", "deploy", "prometheus", "rules", "jobwatch.rules.yml");

  /** Labels Prometheus adds to every series of a target, and series it makes itself. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "pod");

  private static final Set<String> SYNTHETIC = Set.of("up");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool");

  /** Stands for an annotation query's {@code %q}: the label is checked, not the value. */
  private static final String ANY_VALUE = "\u0000any";

  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring)\\s*\\(([^)]*)\\)");
  private static final Pattern SELECTOR =
      Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{([^}]*)\\})?(\\s*\\()?");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern ANNOTATION_QUERY = Pattern.compile("query \\(printf \"(.*?)\" ");
  private static final Pattern LABEL_REFERENCE = Pattern.compile("\\$labels\\.([a-zA-Z_]\\w*)");

  /** One metric name a rule reads, with the labels it matches (value, or ANY_VALUE). */
  private record Selector(String metric, Map<String, String> exact, Set<String> labels) {}

  @Test
  @DisplayName(
      "Every metric, label and matched label value that an expression or annotation of the"
          + " Prometheus rules reads exists in a real scrape")
  void everySeriesTheRulesReadIsInARealScrape() throws IOException {
    fillEveryFamily();
    Scrape scrape = refreshAndScrape();

    JsonNode groups = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).get("groups");
    Map<String, String> recorded = new HashMap<>();
    List<JsonNode> rules = new ArrayList<>();
    groups.forEach(group -> group.get("rules").forEach(rules::add));
    rules.stream()
        .filter(rule -> rule.has("record"))
        .forEach(rule -> recorded.put(rule.get("record").asText(), rule.get("expr").asText()));
    assertThat(rules).hasSizeGreaterThan(20);

    List<String> missing = new ArrayList<>();
    Set<String> checked = new LinkedHashSet<>();
    for (JsonNode rule : rules) {
      String name = rule.has("alert") ? rule.get("alert").asText() : rule.get("record").asText();
      String expr = rule.get("expr").asText();
      List<String> sources = new ArrayList<>(List.of(expr));
      String annotations = rule.has("annotations") ? rule.get("annotations").toString() : "";
      Matcher query = ANNOTATION_QUERY.matcher(annotations.replace("\\\"", "\""));
      while (query.find()) {
        sources.add(query.group(1).replace("%q", "\"" + ANY_VALUE + "\""));
      }
      Set<String> readLabels = new LinkedHashSet<>(TARGET_LABELS);
      for (String source : sources) {
        for (Selector selector : selectors(source, recorded, readLabels)) {
          check(name, selector, scrape, missing, readLabels);
          checked.add(selector.metric());
        }
      }
      // Labels printed by the annotations exist on what the expression reads.
      Matcher reference = LABEL_REFERENCE.matcher(annotations);
      while (reference.find()) {
        if (!readLabels.contains(reference.group(1))) {
          missing.add(name + ": annotation prints $labels." + reference.group(1));
        }
      }
    }
    // The extraction finds what the rules are about (a parser that finds nothing checks nothing).
    assertThat(checked)
        .contains(
            "jobwatch_stage_health",
            "jobwatch_service_health",
            "jobwatch_jobs",
            "jobwatch_job_crashes_total",
            "jobwatch_monitor_status",
            "jobwatch_monitor_deadline_timestamp_seconds",
            "jobwatch_monitor_last_seen_timestamp_seconds",
            "jobwatch_events_total",
            "jobwatch_consumer_lag",
            "jobwatch_dead_letters",
            "jobwatch_records_lost_total",
            "process_start_time_seconds");
    assertThat(missing).as("what the rules read and a real scrape lacks").isEmpty();
  }

  /** The selectors of {@code expr}, recorded series replaced by the expressions that make them. */
  private static List<Selector> selectors(
      String expr, Map<String, String> recorded, Set<String> groupingLabels) {
    String stripped = expr.replaceAll("\\[[^\\]]*\\]", " ");
    Matcher grouping = GROUPING.matcher(stripped);
    while (grouping.find()) {
      for (String label : grouping.group(2).split(",")) {
        if (!label.isBlank()) {
          groupingLabels.add(label.strip());
        }
      }
    }
    stripped = GROUPING.matcher(stripped).replaceAll(" ");
    List<Selector> selectors = new ArrayList<>();
    Matcher token = SELECTOR.matcher(stripped);
    while (token.find()) {
      String identifier = token.group(1);
      boolean function = token.group(4) != null && token.group(2) == null;
      if (function || KEYWORDS.contains(identifier) || SYNTHETIC.contains(identifier)) {
        continue;
      }
      if (recorded.containsKey(identifier)) {
        selectors.addAll(selectors(recorded.get(identifier), recorded, groupingLabels));
        continue;
      }
      Map<String, String> exact = new HashMap<>();
      Set<String> labels = new LinkedHashSet<>();
      if (token.group(3) != null) {
        Matcher matcher = MATCHER.matcher(token.group(3));
        while (matcher.find()) {
          labels.add(matcher.group(1));
          if (matcher.group(2).equals("=")) {
            exact.put(matcher.group(1), matcher.group(3));
          }
        }
      }
      selectors.add(new Selector(identifier, exact, labels));
    }
    return selectors;
  }

  private static void check(
      String rule, Selector selector, Scrape scrape, List<String> missing, Set<String> read) {
    List<Scrape.Sample> samples = scrape.samples(selector.metric());
    if (samples.isEmpty()) {
      missing.add(rule + ": metric " + selector.metric());
      return;
    }
    samples.forEach(sample -> read.addAll(sample.labels().keySet()));
    for (String label : selector.labels()) {
      if (TARGET_LABELS.contains(label)) {
        continue;
      }
      if (samples.stream().noneMatch(sample -> sample.labels().containsKey(label))) {
        missing.add(rule + ": label " + label + " of " + selector.metric());
        continue;
      }
      String value = selector.exact().get(label);
      if (value != null
          && !value.equals(ANY_VALUE)
          && samples.stream().noneMatch(sample -> value.equals(sample.labels().get(label)))) {
        missing.add(rule + ": " + selector.metric() + "{" + label + "=\"" + value + "\"}");
      }
    }
  }

  private Scrape refreshAndScrape() {
    app.refreshState();
    return Scrape.metrics(app.httpPort());
  }

  /** Health, crashes, unsatisfiable and stuck jobs, a monitor that ran, and a dead letter. */
  private void fillEveryFamily() {
    Instant now = Instant.now();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          harness.stageEvent(
              "stage.error",
              now.minusSeconds(60 - i),
              data(
                  "service",
                  "rules",
                  "runner",
                  "slurm",
                  "stage",
                  "submit",
                  "error_class",
                  "ConnectionError",
                  "message",
                  "sbatch: connection refused")));
    }
    ids.add(
        harness.lifecycleEvent(
            "job.submitted",
            now.minusSeconds(120),
            data("job_id", "rules-crash", "service", "rules", "runner", "slurm")));
    ids.add(
        harness.lifecycleEvent(
            "job.crashed",
            now.minusSeconds(110),
            data("job_id", "rules-crash", "attempt", 1, "blame", "platform")));
    // rules-doomed depends on a crashed job: it can never run.
    ids.add(
        harness.lifecycleEvent(
            "job.submitted",
            now.minusSeconds(100),
            data(
                "job_id",
                "rules-doomed",
                "service",
                "rules",
                "runner",
                "slurm",
                "depends_on",
                List.of(dependency("rules-crash")))));
    // rules-stuck has waited on a job never seen for longer than JOBWATCH_STUCK_AFTER (PT10M).
    ids.add(
        harness.lifecycleEvent(
            "job.submitted",
            now.minus(Duration.ofMinutes(30)),
            data(
                "job_id",
                "rules-stuck",
                "service",
                "rules",
                "runner",
                "slurm",
                "depends_on",
                List.of(dependency("rules-never-seen")))));
    ids.add(
        harness.lifecycleEvent(
            "monitor.declared",
            now.minus(Duration.ofMinutes(30)),
            data(
                "monitor",
                "rules-monitor",
                "team",
                "data",
                "schedule",
                data("every", "PT1H"),
                "grace",
                "PT10M")));
    ids.add(
        harness.lifecycleEvent(
            "job.started",
            now.minusSeconds(90),
            data(
                "job_id",
                "rules-run",
                "service",
                "rules",
                "runner",
                "slurm",
                "attempt",
                1,
                "monitor",
                "rules-monitor")));
    ids.add(
        harness.lifecycleEvent(
            "job.finished",
            now.minusSeconds(80),
            data("job_id", "rules-run", "attempt", 1, "exit_code", 0)));
    harness.awaitStored(ids.toArray(String[]::new));
    harness.send(harness.lifecycle, "rules-bad", "not JSON");
    harness.flush();
    Harness.await(
        "the bad record dead-lettered and lag reported",
        Duration.ofSeconds(60),
        () ->
            harness.count("SELECT count(*) FROM dead_letters") == 1
                && !Scrape.metrics(app.httpPort()).samples("jobwatch_consumer_lag").isEmpty());
  }
}
