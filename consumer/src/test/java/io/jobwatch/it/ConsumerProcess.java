package io.jobwatch.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A jobwatch consumer in its own JVM ({@code java -jar target/jobwatch.jar consume}). */
final class ConsumerProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private ConsumerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ConsumerProcess start(Harness harness) throws IOException {
    return start(harness, Map.of());
  }

  /** With these settings replacing the harness's (another database role, say). */
  static ConsumerProcess start(Harness harness, Map<String, String> overrides) throws IOException {
    Path jar = Path.of("target", "jobwatch.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: integration tests run after package");
    }
    Path log = Files.createTempFile("jobwatch-consumer", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "consume")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("JOBWATCH_KAFKA_BOOTSTRAP", harness.infra.kafkaBootstrap());
    env.put("JOBWATCH_DB_URL", harness.database.jdbcUrl());
    env.put("JOBWATCH_DB_USER", harness.database.user());
    env.put("JOBWATCH_DB_PASSWORD", harness.database.password());
    env.put("JOBWATCH_LIFECYCLE_TOPIC", harness.lifecycle);
    env.put("JOBWATCH_ERRORS_TOPIC", harness.errors);
    env.put("JOBWATCH_GROUP_ID", harness.group);
    env.put("JOBWATCH_HTTP_PORT", "0");
    env.put("JOBWATCH_MAX_POLL_RECORDS", "200");
    // A killed member keeps its partitions until its session times out; keep that short here.
    env.put("JOBWATCH_KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("JOBWATCH_KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
    env.putAll(overrides);
    return new ConsumerProcess(builder.start(), log);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the consumer finishes its batch, commits and exits. */
  int terminate() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  /** Waits for the process to exit on its own; its exit code, or null if it still runs. */
  Integer awaitExit(java.time.Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? process.exitValue()
        : null;
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) to the process, as {@code kill -NAME}. */
  void signal(String name) throws IOException, InterruptedException {
    int code =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
    if (code != 0) {
      throw new IOException("kill -" + name + " exited " + code);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    new File(log.toString()).delete();
  }
}
