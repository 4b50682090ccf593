package io.jobwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jobwatch run} in a JVM of its own, as cron starts it (the test class path, {@code
 * io.jobwatch.Main}), against a broker address that refuses connections (127.0.0.1:1), so every
 * event of a run ends up in the spool, which is what the tests read. Kills what it started.
 */
final class JobwatchRunJvm implements AutoCloseable {
  static final String NOBODY = "127.0.0.1:1";

  private final List<ProcessHandle> started = new ArrayList<>();

  /** Starts {@code jobwatch ARGS} with stdin from /dev/null, stdout discarded, stderr to a file. */
  Process start(Path spool, Path stderr, List<String> jobwatchArgs) throws Exception {
    List<String> args = new ArrayList<>();
    args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    args.add("-cp");
    args.add(
        Optional.ofNullable(System.getProperty("surefire.test.class.path"))
            .orElse(System.getProperty("java.class.path")));
    args.add("io.jobwatch.Main");
    args.addAll(jobwatchArgs);
    ProcessBuilder builder = new ProcessBuilder(args);
    builder.environment().put("JOBWATCH_KAFKA_BOOTSTRAP", NOBODY);
    builder.environment().put("JOBWATCH_SPOOL_DIR", spool.toString());
    builder.environment().remove("JOBWATCH_LOG_LEVEL");
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    started.add(process.toHandle());
    return process;
  }

  /**
   * Starts {@code jobwatch ARGS} with nothing but {@code environment}, as cron does (its PATH,
   * SHELL, HOME and the crontab's own lines); stdin from /dev/null, stdout discarded, stderr to a
   * file.
   */
  Process startAsCron(Map<String, String> environment, Path stderr, List<String> jobwatchArgs)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    args.add("-cp");
    args.add(
        Optional.ofNullable(System.getProperty("surefire.test.class.path"))
            .orElse(System.getProperty("java.class.path")));
    args.add("io.jobwatch.Main");
    args.addAll(jobwatchArgs);
    ProcessBuilder builder = new ProcessBuilder(args);
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    started.add(process.toHandle());
    return process;
  }

  /** {@code jobwatch run --monitor audit -- COMMAND…}: a plain line, started early by main. */
  Process run(Path spool, Path stderr, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--monitor", "audit", "--"));
    args.addAll(List.of(command));
    return start(spool, stderr, args);
  }

  /** The command's process under the jobwatch JVM, once it runs (and killed with it at the end). */
  ProcessHandle child(Process jobwatch, String name) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      Optional<ProcessHandle> found =
          jobwatch
              .toHandle()
              .children()
              .filter(p -> p.info().command().orElse("").endsWith("/" + name))
              .findFirst();
      if (found.isPresent()) {
        started.add(found.get());
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the command never started");
  }

  /** The child process {@code name} of {@code parent}, once it runs (killed with the JVM's). */
  static ProcessHandle childOf(ProcessHandle parent, String name) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      Optional<ProcessHandle> found =
          parent
              .children()
              .filter(p -> p.info().command().orElse("").endsWith("/" + name))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + " never started under " + parent.pid());
  }

  /** Sends signal {@code name} (INT, HUP, …) to {@code process} alone, as {@code kill} does. */
  static void kill(String name, ProcessHandle process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " failed");
    }
  }

  /** The events in the spool, oldest first. */
  static List<JsonNode> spooled(Path spool) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    Path file = spool.resolve(Spool.FILE);
    if (!Files.exists(file)) {
      return events;
    }
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        events.add(
            CliEvents.MAPPER.readTree(CliEvents.MAPPER.readTree(line).get("value").asText()));
      }
    }
    return events;
  }

  /** The types of the spooled events, oldest first. */
  static List<String> spooledTypes(Path spool) throws Exception {
    return spooled(spool).stream().map(e -> e.path("type").asText()).toList();
  }

  @Override
  public void close() {
    for (ProcessHandle handle : started) {
      handle.descendants().forEach(ProcessHandle::destroyForcibly);
      handle.destroyForcibly();
    }
  }
}
