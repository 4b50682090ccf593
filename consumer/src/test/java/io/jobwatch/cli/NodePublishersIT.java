package io.jobwatch.cli;

import static io.jobwatch.cli.PublishingDocsIT.assertOnTheMurmur2Partition;
import static io.jobwatch.cli.PublishingDocsIT.exitCode;
import static io.jobwatch.cli.PublishingDocsIT.run;
import static io.jobwatch.cli.PublishingDocsIT.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the Node.js snippets of docs/publishing.md (kafkajs, and the CloudEvents sdk-javascript for
 * binary mode), with the exact versions that {@code src/test/node/package-lock.json} pins, against
 * the test broker, and checks what jobwatch made of them in PostgreSQL.
 */
@WithInfra
class NodePublishersIT {
  private static final Path DOC = Path.of("..", "docs", "publishing.md");
  private static final String NODE = "node";
  private static final Path MODULES =
      Path.of("src", "test", "node", "node_modules").toAbsolutePath();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSTALL =
      " (.ci/run installs it: npm ci --prefix consumer/src/test/node, with Node.js 20 or later)";

  private static DocSnippets snippets;

  @BeforeAll
  static void readTheDocAndCheckTheTools() throws Exception {
    snippets = DocSnippets.read(DOC);
    assertThat(exitCode(List.of(NODE, "--version"))).as("node on the PATH" + INSTALL).isZero();
    assertThat(
            Files.isDirectory(MODULES.resolve("kafkajs"))
                && Files.isDirectory(MODULES.resolve("cloudevents")))
        .as("kafkajs and cloudevents in " + MODULES + INSTALL)
        .isTrue();
  }

  @Test
  @DisplayName(
      "The kafkajs cron wrapper (structured mode) reports runs, a missing command and exit codes")
  void nodeStructuredSnippet(Infra infra) throws Exception {
    nodeWrapperReportsRuns(infra, "node-structured");
  }

  @Test
  @DisplayName(
      "The sdk-javascript cron wrapper (binary mode) reports runs, a missing command and exit codes")
  void nodeBinarySnippet(Infra infra) throws Exception {
    nodeWrapperReportsRuns(infra, "node-binary");
  }

  /**
   * The snippets' partition check sees a few keys on two partitions; this one holds kafkajs's
   * default partitioner to the Java client's murmur2 for many keys (non-ASCII ones included, which
   * both hash as UTF-8) on a dozen partitions, and shows that its legacy one differs.
   */
  @Test
  @DisplayName("kafkajs's default partitioner picks the Java client's partition for every key")
  void kafkajsDefaultPartitionerIsJavasMurmur2() throws Exception {
    int partitions = 12;
    List<String> keys = new ArrayList<>(List.of("blast", "nightly-backup", "jöb-ü", "日本-1", ""));
    for (int i = 0; i < 200; i++) {
      keys.add(UUID.randomUUID().toString());
    }
    String script =
        """
        const { Partitioners } = require("kafkajs");
        const keys = JSON.parse(process.argv[1]);
        const partitionMetadata = [...Array(%d).keys()].map((id) => ({ partitionId: id, leader: 0 }));
        for (const name of ["DefaultPartitioner", "LegacyPartitioner"]) {
          const partitioner = Partitioners[name]();
          const chosen = keys.map((key) => partitioner({ topic: "t", partitionMetadata, message: { key } }));
          console.log(name + " " + JSON.stringify(chosen));
        }
        """
            .formatted(partitions);
    String keysJson = JSON.writeValueAsString(keys);
    ProcessBuilder builder = new ProcessBuilder(NODE, "-e", script, keysJson);
    builder.environment().put("NODE_PATH", MODULES.toString());
    builder.environment().put("KAFKAJS_NO_PARTITIONER_WARNING", "1");
    Process node = builder.redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();

    List<Integer> java = new ArrayList<>();
    for (String key : keys) {
      java.add(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions);
    }
    Map<String, List<Integer>> chosen = new HashMap<>();
    for (String line : output.strip().split("\n")) {
      String[] nameAndJson = line.split(" ", 2);
      chosen.put(nameAndJson[0], List.of(JSON.readValue(nameAndJson[1], Integer[].class)));
    }
    assertThat(chosen.get("DefaultPartitioner")).as(output).isEqualTo(java);
    assertThat(chosen.get("LegacyPartitioner")).isNotEqualTo(java);
  }

  private void nodeWrapperReportsRuns(Infra infra, String snippet) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Path script = write(snippet + ".js", snippets.code(snippet));
      Path log = Files.createTempDirectory("jobwatch-node-cron-").resolve("cron.log");
      Map<String, String> logged =
          Map.of("NODE_PATH", MODULES.toString(), "CRON_REPORT_LOG", log.toString());
      Map<String, String> noLogDirectory =
          Map.of("NODE_PATH", MODULES.toString(), "CRON_REPORT_LOG", "/nonexistent/cron.log");

      int ok = run(cli, List.of(NODE, script.toString(), "node-ok", "true"), logged);
      int failed =
          run(
              cli,
              List.of(
                  NODE, script.toString(), "node-failed", "sh", "-c", "echo to-the-log; exit 3"),
              logged);
      int missing =
          run(
              cli,
              List.of(NODE, script.toString(), "node-missing", "/nonexistent/backup.sh"),
              noLogDirectory);

      assertThat(List.of(ok, failed, missing)).containsExactly(0, 3, 127);
      assertThat(Files.readString(log)).isEqualTo("to-the-log\n");
      CliFixture.await(
          "the three runs to finish",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL") == 3);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE monitor = 'node-ok' AND state = 'succeeded'"
                      + " AND service = 'cron' AND runner = 'cron' AND attempt = 1"
                      + " AND exit_code = 0 AND started_at IS NOT NULL"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE monitor = 'node-failed' AND state = 'failed'"
                      + " AND exit_code = 3"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE monitor = 'node-missing' AND state = 'crashed'"
                      + " AND exit_code = 127 AND blame = 'platform' AND cause = 'not_started'"))
          .isEqualTo(1);
      CliFixture.await(
          "the log stage's error",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM stage_health WHERE service = 'cron' AND runner = 'cron'"
                          + " AND stage = 'log' AND last_error_class = 'ENOENT'"
                          + " AND last_error_message LIKE '%/nonexistent/cron.log%'"
                          + " AND consecutive_errors = 1 AND error_count = 1")
                  == 1);
      String logSeverity =
          cli.jdbi()
              .withHandle(
                  handle ->
                      handle
                          .createQuery(
                              "SELECT severity::text FROM stage_health WHERE stage = 'log'")
                          .mapTo(String.class)
                          .one());
      assertThat(logSeverity)
          .as("ENOENT is an operating-system failure: error, a warning below 3 in a row")
          .isEqualTo("warning");
      CliFixture.await(
          "the monitors' runs",
          WAIT,
          () ->
              cli.count(
                          "SELECT count(*) FROM monitors WHERE monitor = 'node-ok'"
                              + " AND last_start_at IS NOT NULL AND last_success_at IS NOT NULL"
                              + " AND last_failure_at IS NULL")
                      == 1
                  && cli.count(
                          "SELECT count(*) FROM monitors"
                              + " WHERE monitor IN ('node-failed', 'node-missing')"
                              + " AND last_failure_at IS NOT NULL AND last_success_at IS NULL")
                      == 2);
      assertThat(cli.count("SELECT count(*) FROM job_events WHERE source LIKE '/cron/%'"))
          .isEqualTo(10);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM job_events WHERE envelope->>'time'"
                      + " ~ '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$'"))
          .isEqualTo(10);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
      assertOnTheMurmur2Partition(cli);
    }
  }
}
