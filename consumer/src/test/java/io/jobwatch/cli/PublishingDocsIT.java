package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the kcat and Python snippets of docs/publishing.md, extracted from the Markdown (the blocks
 * marked {@code <!-- snippet-test: NAME -->}), with Debian's kcat and python3-confluent-kafka
 * against the test broker, and checks what jobwatch made of them in PostgreSQL.
 */
@WithInfra
class PublishingDocsIT {
  private static final Path DOC = Path.of("..", "docs", "publishing.md");
  private static final String PYTHON = "/usr/bin/python3";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String INSTALL =
      " (.ci/run installs it: apt-get install kcat python3-confluent-kafka)";

  private static DocSnippets snippets;

  @BeforeAll
  static void readTheDocAndCheckTheTools() throws Exception {
    snippets = DocSnippets.read(DOC);
    assertThat(exitCode(List.of("kcat", "-V"))).as("kcat on the PATH" + INSTALL).isZero();
    assertThat(exitCode(List.of(PYTHON, "-c", "import confluent_kafka")))
        .as(PYTHON + " with confluent_kafka (Debian's python3-confluent-kafka)" + INSTALL)
        .isZero();
  }

  @Test
  @DisplayName("The kcat cron wrapper (structured mode) reports runs and keeps the exit code")
  void kcatStructuredSnippet(Infra infra) throws Exception {
    kcatWrapperReportsRuns(infra, "kcat-structured");
  }

  @Test
  @DisplayName("The kcat cron wrapper in binary mode reports runs and keeps the exit code")
  void kcatBinarySnippet(Infra infra) throws Exception {
    kcatWrapperReportsRuns(infra, "kcat-binary");
  }

  private void kcatWrapperReportsRuns(Infra infra, String snippet) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Path script = write(snippet + ".sh", snippets.code(snippet));

      int ok = run(cli, List.of("sh", script.toString(), "docs-ok", "true"), Map.of());
      int failed =
          run(cli, List.of("sh", script.toString(), "docs-failed", "sh", "-c", "exit 3"), Map.of());

      assertThat(ok).isZero();
      assertThat(failed).isEqualTo(3);
      CliFixture.await(
          "both runs to finish",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL") == 2);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE monitor = 'docs-ok' AND state = 'succeeded'"
                      + " AND service = 'cron' AND exit_code = 0"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE monitor = 'docs-failed' AND state = 'failed'"
                      + " AND exit_code = 3"))
          .isEqualTo(1);
      assertThat(cli.count("SELECT count(*) FROM job_events WHERE source LIKE '/cron/%'"))
          .isEqualTo(4);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
      assertOnTheMurmur2Partition(cli);
    }
  }

  @Test
  @DisplayName(
      "The Python runner snippet reports the job and the submit stage: ok, then sbatch's failure")
  void pythonStructuredSnippet(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Path script = write("runner.py", snippets.code("python-structured"));
      Path okBin = fakeSbatch(0);
      Path failingBin = fakeSbatch(1);

      int first = run(cli, List.of(PYTHON, script.toString()), Map.of("PATH", path(okBin)));
      CliFixture.await(
          "the stage.ok",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM stage_health WHERE service = 'blast'"
                          + " AND runner = 'slurm' AND stage = 'submit' AND last_ok_at IS NOT NULL")
                  == 1);
      int second = run(cli, List.of(PYTHON, script.toString()), Map.of("PATH", path(failingBin)));

      assertThat(first).isZero();
      assertThat(second).isZero();
      CliFixture.await(
          "the stage.error",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM stage_health WHERE service = 'blast'"
                          + " AND runner = 'slurm' AND stage = 'submit'"
                          + " AND last_error_class = 'subprocess.CalledProcessError'"
                          + " AND consecutive_errors = 1 AND severity = 'warning'")
                  == 1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE service = 'blast' AND runner = 'slurm'"
                      + " AND state = 'submitted'"))
          .isEqualTo(2);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
      assertOnTheMurmur2Partition(cli);
    }
  }

  @Test
  @DisplayName("The Python binary-mode snippet's job is folded to succeeded")
  void pythonBinarySnippet(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Path script = write("binary.py", snippets.code("python-binary"));

      assertThat(run(cli, List.of(PYTHON, script.toString()), Map.of())).isZero();

      CliFixture.await(
          "the job to succeed",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE service = 'blast' AND runner = 'slurm'"
                          + " AND state = 'succeeded' AND attempt = 1 AND exit_code = 0")
                  == 1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM job_events WHERE source LIKE '/runner/slurm/%'"
                      + " AND envelope->>'datacontenttype' = 'application/json'"))
          .isEqualTo(3);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
      assertOnTheMurmur2Partition(cli);
    }
  }

  /**
   * Every stored event is on the partition the Java client's murmur2 picks for its key (job_id, or
   * the service of a stage event): the snippets set librdkafka's {@code murmur2_random}, so a job's
   * events share a partition with those Java publishers and {@code jobwatch emit} send.
   */
  static void assertOnTheMurmur2Partition(CliFixture cli) {
    List<Map<String, Object>> events =
        cli.jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT coalesce(job_id, split_part(subject, '/', 1)) AS record_key,"
                                + " topic, kafka_partition FROM job_events")
                        .mapToMap()
                        .list());
    assertThat(events).isNotEmpty();
    for (Map<String, Object> event : events) {
      String key = (String) event.get("record_key");
      int partitions = 2; // CliFixture's topics
      int murmur2 =
          org.apache.kafka.common.utils.Utils.toPositive(
                  org.apache.kafka.common.utils.Utils.murmur2(
                      key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              % partitions;
      assertThat(((Number) event.get("kafka_partition")).intValue())
          .as("partition of %s on %s", key, event.get("topic"))
          .isEqualTo(murmur2);
    }
  }

  static Path write(String name, String code) throws IOException {
    Path directory = Files.createTempDirectory("jobwatch-doc-snippet-");
    return Files.writeString(directory.resolve(name), code);
  }

  /** A directory holding an {@code sbatch} that exits with {@code exitCode}. */
  private static Path fakeSbatch(int exitCode) throws IOException {
    Path bin = Files.createTempDirectory("jobwatch-fake-slurm-");
    Path sbatch = bin.resolve("sbatch");
    Files.writeString(sbatch, "#!/bin/sh\nexit " + exitCode + "\n");
    Files.setPosixFilePermissions(sbatch, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private static String path(Path first) {
    return first + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
  }

  /** Runs a snippet with the fixture's JOBWATCH_* environment; returns its exit code. */
  static int run(CliFixture cli, List<String> command, Map<String, String> extra)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
    Map<String, String> environment = cli.environment();
    for (String name :
        List.of("JOBWATCH_KAFKA_BOOTSTRAP", "JOBWATCH_LIFECYCLE_TOPIC", "JOBWATCH_ERRORS_TOPIC")) {
      builder.environment().put(name, environment.get(name));
    }
    builder.environment().putAll(extra);
    Path output = Files.createTempFile("jobwatch-doc-snippet-", ".log");
    builder.redirectErrorStream(true).redirectOutput(output.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not end within 60 s: " + Files.readString(output));
    }
    int code = process.exitValue();
    System.out.println(command + " exited " + code + ":\n" + Files.readString(output));
    return code;
  }

  static int exitCode(List<String> command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (IOException notInstalled) {
      return -1;
    }
  }
}
