package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@WithInfra
class CliIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName(
      "status --json lists services worst first with the severities the stage errors earned")
  void statusReportsSeverities(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      for (int i = 0; i < 3; i++) {
        assertThat(stageError(cli, "hmmer", "gridengine", "check_status", "ConnectionError"))
            .isZero();
      }
      assertThat(stageError(cli, "blast", "slurm", "submit", "ConnectionError")).isZero();
      assertThat(
              cli.run(
                      "emit",
                      "stage.ok",
                      "--service",
                      "clustalo",
                      "--runner",
                      "slurm",
                      "--stage",
                      "start")
                  .exitCode())
          .isZero();
      CliFixture.await(
          "three stage records",
          WAIT,
          () ->
              cli.count("SELECT count(*) FROM stage_health") == 3
                  && cli.count("SELECT count(*) FROM stage_health WHERE severity = 'error'") == 1);

      CliFixture.Result result = cli.run("status", "--json");

      assertThat(result.exitCode()).isZero();
      JsonNode status = JSON.readTree(result.out());
      JsonNode services = status.get("services");
      assertThat(services).hasSize(3);
      assertThat(services.get(0).get("service").asText()).isEqualTo("hmmer");
      assertThat(services.get(0).get("severity").asText()).isEqualTo("error");
      assertThat(services.get(0).get("worst_stage").asText()).isEqualTo("check_status");
      assertThat(services.get(0).get("last_error_class").asText()).isEqualTo("ConnectionError");
      assertThat(services.get(1).get("service").asText()).isEqualTo("blast");
      assertThat(services.get(1).get("severity").asText()).isEqualTo("warning");
      assertThat(services.get(2).get("severity").asText()).isEqualTo("ok");
      assertThat(status.get("stages").get(0).get("consecutive_errors").asInt()).isEqualTo(3);
      assertThat(status.get("runners")).hasSize(3);

      String text = cli.run("status").out();
      assertThat(text.lines().filter(line -> line.startsWith("hmmer")).findFirst())
          .hasValueSatisfying(line -> assertThat(line).contains("error", "ConnectionError"));

      // The plain line is answered before picocli; the parser's own path (demo and bench jars,
      // `status @file`) must print the same, but for when it was generated.
      StringWriter parsed = new StringWriter();
      CommandLine picocli = JobwatchCommand.commandLine(cli.environment());
      picocli.setOut(new PrintWriter(parsed, true));
      assertThat(picocli.execute("status", "--json")).isZero();
      JsonNode viaParser = JSON.readTree(parsed.toString());
      ((ObjectNode) viaParser).remove("generated_at");
      ((ObjectNode) status).remove("generated_at");
      assertThat(viaParser).isEqualTo(status);
    }
  }

  @Test
  @DisplayName("job ID shows the crash classification and one history line per event")
  void jobShowsHistory(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      String job = "cli-job-1";
      assertThat(
              cli.run(
                      "emit",
                      "job.submitted",
                      "--job-id",
                      job,
                      "--service",
                      "blast",
                      "--runner",
                      "slurm",
                      "--time",
                      "2026-11-22T10:00:00Z")
                  .exitCode())
          .isZero();
      assertThat(
              cli.run(
                      "emit",
                      "job.started",
                      "--job-id",
                      job,
                      "--runner",
                      "slurm",
                      "--attempt",
                      "1",
                      "--time",
                      "2026-11-22T10:00:05Z")
                  .exitCode())
          .isZero();
      assertThat(
              cli.run(
                      "emit",
                      "job.finished",
                      "--job-id",
                      job,
                      "--attempt",
                      "1",
                      "--exit-code",
                      "127",
                      "--time",
                      "2026-11-22T10:00:09Z")
                  .exitCode())
          .isZero();
      CliFixture.await(
          "the job to crash",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE state = 'crashed'") == 1);

      CliFixture.Result result = cli.run("job", job);

      assertThat(result.exitCode()).isZero();
      assertThat(result.out())
          .contains("state     crashed  attempt 1  exit code 127")
          .contains("blame platform  cause not_started");
      List<String> history =
          result.out().lines().dropWhile(line -> !line.equals("history")).skip(2).toList();
      assertThat(history).hasSize(3);
      assertThat(history.get(0)).startsWith("2026-11-22T10:00:00Z").contains("job.submitted");
      assertThat(history.get(1)).contains("job.started", "applied", " 1 ");
      assertThat(history.get(2)).startsWith("2026-11-22T10:00:09Z").contains("job.finished");

      JsonNode json = JSON.readTree(cli.run("job", job, "--json").out());
      assertThat(json.at("/job/cause").asText()).isEqualTo("not_started");
      assertThat(json.get("history")).hasSize(3);
      assertThat(cli.run("job", "no-such-job").exitCode()).isEqualTo(1);

      // A publisher that writes whole numbers as floats ("attempt": 1.0, valid JSON Schema
      // integers): the event is stored as sent, and its history line still reads attempt 1.
      String floats = "cli-job-floats";
      cli.sendRaw(
          cli.lifecycle,
          floats,
          """
          {"specversion":"1.0","id":"float-1","source":"/runner/py","type":"job.started",
           "time":"2026-11-22T10:00:05Z",
           "data":{"job_id":"%s","service":"blast","runner":"slurm","attempt":1.0}}"""
              .formatted(floats));
      CliFixture.await(
          "the job with a float attempt",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE job_id = ?", floats) == 1);
      CliFixture.Result floatsResult = cli.run("job", floats);
      assertThat(floatsResult.exitCode()).as(floatsResult.err()).isZero();
      assertThat(floatsResult.out()).contains("state     running  attempt 1");
      List<String> floatsHistory =
          floatsResult.out().lines().dropWhile(line -> !line.equals("history")).skip(2).toList();
      assertThat(floatsHistory).singleElement().asString().contains("job.started", " 1 ");
    }
  }

  @Test
  @DisplayName("job ID of a job retention pruned shows its tombstone, not 'no job'")
  void prunedJobShowsItsTombstone(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      String job = "cli-pruned-1";
      assertThat(
              cli.run(
                      "emit",
                      "job.submitted",
                      "--job-id",
                      job,
                      "--service",
                      "blast",
                      "--time",
                      "2026-10-01T10:00:00Z")
                  .exitCode())
          .isZero();
      assertThat(
              cli.run(
                      "emit",
                      "job.finished",
                      "--job-id",
                      job,
                      "--attempt",
                      "1",
                      "--exit-code",
                      "3",
                      "--time",
                      "2026-10-01T10:05:00Z")
                  .exitCode())
          .isZero();
      CliFixture.await(
          "the job to fail",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE state = 'failed'") == 1);
      Map<String, String> shortRetention = new java.util.HashMap<>(cli.environment());
      shortRetention.put("JOBWATCH_RETAIN_JOBS", "P1D");
      CliFixture.Result retention = cli.run(shortRetention, "retention");
      assertThat(retention.exitCode()).as(retention.err()).isZero();
      assertThat(cli.count("SELECT count(*) FROM jobs WHERE job_id = ?", job)).isZero();
      assertThat(cli.count("SELECT count(*) FROM job_tombstones WHERE job_id = ?", job))
          .isEqualTo(1);

      CliFixture.Result result = cli.run("job", job);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out())
          .contains("job       " + job)
          .contains("pruned by retention")
          .contains("state     failed  attempt 1")
          .contains("finished 2026-10-01T10:05:00Z");
      JsonNode json = JSON.readTree(cli.run("job", job, "--json").out());
      assertThat(json.at("/pruned/state").asText()).isEqualTo("failed");
      assertThat(json.at("/pruned/finished_at").asText()).isEqualTo("2026-10-01T10:05:00Z");
      assertThat(json.at("/pruned/pruned_at").isMissingNode()).isFalse();
      // An id never seen is still unknown.
      CliFixture.Result unknown = cli.run("job", "never-seen");
      assertThat(unknown.exitCode()).isEqualTo(1);
      assertThat(unknown.err()).isEqualTo("no job never-seen" + System.lineSeparator());
    }
  }

  @Test
  @DisplayName("emit refuses an invalid event with exit 2 and the reason, and sends a valid one")
  void emitValidatesBeforeSending(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      CliFixture.Result invalid =
          cli.run(
              "emit", "job.finished", "--job-id", "j-1", "--attempt", "1", "--exit-code", "256");
      assertThat(invalid.exitCode()).isEqualTo(2);
      assertThat(invalid.err()).contains("$.data.exit_code");
      CliFixture.Result unknownField =
          cli.run("emit", "job.finished", "--job-id", "j-1", "--attempt", "1", "--exitcode", "0");
      assertThat(unknownField.exitCode()).isEqualTo(2);

      CliFixture.Result valid =
          cli.run(
              "emit",
              "job.submitted",
              "--job-id",
              "j-1",
              "--service",
              "blast",
              "--data",
              "{\"labels\": {\"team\": \"search\"}}");

      assertThat(valid.exitCode()).isZero();
      assertThat(valid.out()).contains("sent job.submitted", cli.lifecycle, "key j-1");
      CliFixture.await(
          "the emitted job",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE job_id = 'j-1' AND labels->>'team' = 'search'")
                  == 1);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
      assertThat(cli.count("SELECT count(*) FROM job_events WHERE source LIKE '/jobwatch-cli/%'"))
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "emit --data sends a trigger's numbers with their digits, in structured and binary mode")
  void emitKeepsTriggerNumbers(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      String trigger =
          "{\"trigger\": {\"message_id\": \"m1\", \"budget\": 12345678901234567.89,"
              + " \"beyond\": 1E+400}}";
      for (String mode : List.of("structured", "binary")) {
        CliFixture.Result sent =
            cli.run(
                "emit",
                "job.submitted",
                "--mode",
                mode,
                "--job-id",
                "emit-trigger-" + mode,
                "--service",
                "exact",
                "--data",
                trigger);
        assertThat(sent.exitCode()).as(sent.err()).isZero();
      }
      CliFixture.await(
          "both jobs",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'emit-trigger-%'") == 2);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE job_id LIKE 'emit-trigger-%'"
                      + " AND (trigger->'budget')::numeric = 12345678901234567.89"
                      + " AND jsonb_typeof(trigger->'beyond') = 'number'"))
          .isEqualTo(2);
    }
  }

  @Test
  @DisplayName("emit sends every integer field of the contract as a number, not only attempt")
  void emitIntegerFields(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      CliFixture.Result declared =
          cli.run(
              "emit",
              "monitor.declared",
              "--monitor",
              "emit-thresholds",
              "--team",
              "ops",
              "--failure-threshold",
              "3",
              "--recovery-threshold=2",
              "--grace",
              "PT30M",
              "--data",
              "{\"schedule\": {\"cron\": \"0 2 * * *\", \"timezone\": \"UTC\"}}");

      assertThat(declared.exitCode()).as(declared.err()).isZero();
      CliFixture.await(
          "the declared monitor",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM monitors WHERE monitor = 'emit-thresholds'"
                          + " AND failure_threshold = 3 AND recovery_threshold = 2")
                  == 1);
    }
  }

  @Test
  @DisplayName(
      "emit sends the event when the spool directory cannot be used (a read-only home), saying so")
  void emitSendsWhenTheSpoolIsUnusable(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      // A spool directory that cannot be created, even by root: its parent is a regular file.
      java.nio.file.Path notADirectory = Files.createTempFile("jobwatch-not-a-directory-", "");
      Map<String, String> uncreatable = new java.util.HashMap<>(cli.environment());
      uncreatable.put("JOBWATCH_SPOOL_DIR", notADirectory.resolve("spool").toString());
      // A spool that exists but cannot be read: its file is a directory.
      java.nio.file.Path unreadable = Files.createTempDirectory("jobwatch-unreadable-spool-");
      Files.createDirectory(unreadable.resolve(Spool.FILE));
      Map<String, String> broken = new java.util.HashMap<>(cli.environment());
      broken.put("JOBWATCH_SPOOL_DIR", unreadable.toString());

      CliFixture.Result plain =
          cli.run(
              uncreatable, "emit", "job.submitted", "--job-id", "no-spool-1", "--service", "cron");
      CliFixture.Result spooling =
          cli.run(
              uncreatable,
              "emit",
              "--spool",
              "job.submitted",
              "--job-id",
              "no-spool-2",
              "--service",
              "cron");
      CliFixture.Result unreadableSpool =
          cli.run(broken, "emit", "job.submitted", "--job-id", "no-spool-3", "--service", "cron");

      assertThat(plain.exitCode()).as(plain.err()).isZero();
      assertThat(plain.out()).contains("sent job.submitted", "key no-spool-1");
      assertThat(spooling.exitCode()).as(spooling.err()).isZero();
      assertThat(spooling.out()).contains("sent job.submitted", "key no-spool-2");
      assertThat(unreadableSpool.exitCode()).as(unreadableSpool.err()).isZero();
      assertThat(unreadableSpool.out()).contains("sent job.submitted", "key no-spool-3");
      assertThat(unreadableSpool.err()).contains("could not use the spool", "sending without it");
      CliFixture.await(
          "the three emitted jobs",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE job_id LIKE 'no-spool-%'"
                          + " AND state = 'submitted'")
                  == 3);
    }
  }

  @Test
  @DisplayName("monitors retire NAME publishes monitor.retired and the monitor leaves /metrics")
  void retiredMonitorLeavesMetrics(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      assertThat(declare(cli, "retire-me", "PT1H")).isZero();
      CliFixture.await(
          "the monitor in /metrics",
          WAIT,
          () -> {
            cli.app.refreshState();
            return cli.scrape().contains("monitor=\"retire-me\"");
          });
      assertThat(cli.run("monitors").out()).contains("retire-me", "ops", "new");

      CliFixture.Result retire = cli.run("monitors", "retire", "retire-me");

      assertThat(retire.exitCode()).isZero();
      assertThat(retire.out()).contains("sent monitor.retired", "key retire-me");
      CliFixture.await(
          "the monitor to leave /metrics",
          WAIT,
          () -> {
            cli.app.refreshState();
            return !cli.scrape().contains("monitor=\"retire-me\"");
          });
      assertThat(cli.count("SELECT count(*) FROM monitors WHERE retired_at IS NOT NULL"))
          .isEqualTo(1);
      assertThat(cli.run("monitors", "--json").out()).contains("\"status\" : \"retired\"");
    }
  }

  @Test
  @DisplayName("dead-letters list and show explain a poison record; replay sends it back")
  void deadLettersCanBeReplayed(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      cli.sendRaw(cli.errors, "hmmer", "this is not json");
      CliFixture.await(
          "the dead letter", WAIT, () -> cli.count("SELECT count(*) FROM dead_letters") == 1);
      long id = cli.count("SELECT id FROM dead_letters");

      CliFixture.Result list = cli.run("dead-letters", "list");
      assertThat(list.exitCode()).isZero();
      assertThat(list.out()).contains(cli.errors, "not JSON");
      CliFixture.Result show = cli.run("dead-letters", "show", Long.toString(id));
      assertThat(show.out()).contains("value     this is not json", "key       hmmer");

      CliFixture.Result replay = cli.run("dead-letters", "replay", Long.toString(id));

      assertThat(replay.exitCode()).isZero();
      assertThat(replay.out()).contains("replayed dead letter " + id + " to " + cli.errors);
      assertThat(cli.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL"))
          .isEqualTo(1);
      // Still poison: the consumer reads it again from the topic and dead-letters it anew.
      CliFixture.await(
          "the replayed record to come back",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL"
                          + " AND convert_from(record_value, 'UTF8') = 'this is not json'"
                          + " AND convert_from(record_key, 'UTF8') = 'hmmer'")
                  == 1);
      assertThat(cli.run("dead-letters", "replay", "--all").out()).contains("1 replayed");
      assertThat(cli.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL"))
          .isEqualTo(2);
    }
  }

  @Test
  @DisplayName("run exits with the command's exit code and its monitor ends down")
  void runPassesTheExitCodeThrough(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      assertThat(declare(cli, "nightly", "PT1H")).isZero();
      CliFixture.await(
          "the declared monitor",
          WAIT,
          () -> cli.count("SELECT count(*) FROM monitors WHERE declared_at IS NOT NULL") == 1);

      CliFixture.Result run = cli.run("run", "--monitor", "nightly", "--", "sh", "-c", "exit 3");

      assertThat(run.exitCode()).isEqualTo(3);
      CliFixture.await(
          "the failed run",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE monitor = 'nightly' AND state = 'failed'"
                          + " AND exit_code = 3")
                  == 1);
      CliFixture.await(
          "the monitor to be down",
          WAIT,
          () -> {
            cli.app.refreshState();
            return cli.count(
                    "SELECT count(*) FROM monitors WHERE monitor = 'nightly' AND status = 'down'")
                == 1;
          });
      assertThat(cli.run("monitors").out().lines().filter(l -> l.startsWith("nightly")))
          .singleElement()
          .satisfies(line -> assertThat(line).contains("down"));
      assertThat(cli.run("run", "--monitor", "nightly", "--", "/no/such/command").exitCode())
          .isEqualTo(127);
    }
  }

  @Test
  @DisplayName(
      "run as main starts it: the command before the parser, the publisher connected meanwhile;"
          + " every event arrives, none is spooled")
  void runStartedEarlyDeliversThroughTheEarlyPublisher(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Map<String, String> environment = cli.environment();
      String[] args = {"run", "--monitor", "early", "--", "sh", "-c", "exit 4"};
      EarlyRun.startIfPlain(args, environment); // what Main.main does before anything else
      StringWriter err = new StringWriter();

      // What Main.execute does first for such a line: non-null means it ran without the parser.
      Integer exitCode = RunCommand.runIfStartedEarly(args, environment, new PrintWriter(err));

      assertThat(exitCode).isEqualTo(4);
      assertThat(err.toString()).isEmpty();
      assertThat(EarlyRun.takePublisher(environment))
          .as("the run took the early publisher")
          .isNull();
      CliFixture.await(
          "the failed run",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE monitor = 'early' AND state = 'failed'"
                          + " AND exit_code = 4")
                  == 1);
      try (var spooled = Files.list(cli.spoolDir)) {
        assertThat(spooled.filter(file -> file.toFile().length() > 0)).isEmpty();
      }
    }
  }

  @io.jobwatch.testing.FaultTest
  @Test
  @DisplayName(
      "With the broker away run still exits with the command's code and spools; the next command sends the spool")
  void runSpoolsWhileKafkaIsAway(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      infra.stopBroker();
      CliFixture.Result run;
      try {
        run = cli.run("run", "--monitor", "offline", "--", "sh", "-c", "exit 5");
      } finally {
        infra.startBroker();
      }

      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.err()).contains("spooled");
      List<String> spooled = Files.readAllLines(cli.spoolDir.resolve(Spool.FILE));
      assertThat(spooled).hasSize(3);
      List<String> types =
          spooled.stream()
              .map(line -> read(line).get("value").asText())
              .map(v -> read(v).get("type").asText())
              .toList();
      assertThat(types).containsExactly("job.submitted", "job.started", "job.finished");
      assertThat(read(spooled.get(0)).get("topic").asText()).isEqualTo(cli.lifecycle);

      CliFixture.Result next =
          cli.run("emit", "job.submitted", "--job-id", "after-outage", "--service", "cron");

      assertThat(next.exitCode()).isZero();
      assertThat(next.out()).contains("sent 3 spooled records");
      assertThat(Files.readAllLines(cli.spoolDir.resolve(Spool.FILE))).isEmpty();
      CliFixture.await(
          "the spooled run in jobs",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE monitor = 'offline' AND state = 'failed'"
                          + " AND exit_code = 5")
                  == 1);
    }
  }

  @io.jobwatch.testing.FaultTest
  @Test
  @DisplayName(
      "With the broker away run starts the command at once; after spool flush the job is there once")
  void runStartsTheCommandAtOnceWhileKafkaIsAway(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      java.nio.file.Path startedFile =
          cli.spoolDir.resolveSibling(cli.spoolDir.getFileName() + ".started");
      infra.stopBroker();
      long calledAt;
      CliFixture.Result run;
      try {
        calledAt = System.currentTimeMillis();
        run =
            cli.run(
                "run",
                "--monitor",
                "quick-offline",
                "--",
                "sh",
                "-c",
                "date +%s%N > " + startedFile);
      } finally {
        infra.startBroker();
      }

      assertThat(run.exitCode()).isZero();
      long commandStartedAt = Long.parseLong(Files.readString(startedFile).trim()) / 1_000_000L;
      Files.delete(startedFile);
      assertThat(commandStartedAt - calledAt)
          .as("ms from the CLI call to the command's start with the broker down")
          .isLessThan(1_000L);
      assertThat(run.err()).contains("spooled");
      assertThat(Files.readAllLines(cli.spoolDir.resolve(Spool.FILE))).hasSize(3);

      CliFixture.Result flush = cli.run("spool", "flush");

      assertThat(flush.exitCode()).isZero();
      assertThat(Files.readAllLines(cli.spoolDir.resolve(Spool.FILE))).isEmpty();
      CliFixture.await(
          "the spooled run in jobs",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE monitor = 'quick-offline'"
                          + " AND state = 'succeeded' AND exit_code = 0")
                  == 1);
      assertThat(cli.count("SELECT count(*) FROM jobs WHERE monitor = 'quick-offline'"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM job_events e JOIN jobs j USING (job_id)"
                      + " WHERE j.monitor = 'quick-offline'"))
          .isEqualTo(3);
    }
  }

  @Test
  @DisplayName("jobwatch --help lists every command with examples")
  void helpListsEveryCommand(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      String help = cli.run("--help").out();
      for (String command :
          List.of(
              "status",
              "job",
              "monitors",
              "dead-letters",
              "emit",
              "run",
              "spool",
              "consume",
              "migrate")) {
        assertThat(help).containsPattern("(?m)^  " + command + " ");
      }
      assertThat(help).contains("Examples:", "jobwatch emit job.started --job-id X");
    }
  }

  private static int stageError(
      CliFixture cli, String service, String runner, String stage, String errorClass) {
    return cli.run(
            "emit",
            "stage.error",
            "--service",
            service,
            "--runner",
            runner,
            "--stage",
            stage,
            "--error-class",
            errorClass,
            "--message",
            "connection refused")
        .exitCode();
  }

  private static int declare(CliFixture cli, String monitor, String every) {
    return cli.run(
            "emit",
            "monitor.declared",
            "--data",
            "{\"monitor\":\""
                + monitor
                + "\",\"team\":\"ops\",\"schedule\":{\"every\":\""
                + every
                + "\"},\"grace\":\"PT5M\"}")
        .exitCode();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
