package io.jobwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts one contender in a child JVM with this process's class path and reads its READY and RESULT
 * lines. Its stderr goes to a log file. Not thread-safe.
 */
final class ChildLauncher {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Process process;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<ChildResult> result = new CompletableFuture<>();

  private ChildLauncher(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "bench-child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Writes the config next to the log and starts the child. */
  static ChildLauncher launch(
      ChildConfig config, Path dir, String heap, List<String> jvmOptions, Path jfr) {
    try {
      java.nio.file.Files.createDirectories(dir);
      Path configFile = dir.resolve("config.json");
      MAPPER.writeValue(configFile.toFile(), config);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + heap);
      // Compiler threads that end take their CPU count with them (JvmProbe.jitCpuNanos): keep
      // them. With 2 CPUs the JVM runs one C1 and one C2 thread either way.
      command.add("-XX:-UseDynamicNumberOfCompilerThreads");
      command.addAll(jvmOptions);
      if (jfr != null) {
        command.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr);
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(ContenderMain.class.getName());
      command.add(configFile.toString());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.log").toFile()));
      return new ChildLauncher(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start contender " + config.contender(), e);
    }
  }

  private void readOutput() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.equals(ContenderMain.READY)) {
          ready.complete(null);
        } else if (line.startsWith(ContenderMain.RESULT)) {
          result.complete(
              MAPPER.readValue(line.substring(ContenderMain.RESULT.length()), ChildResult.class));
        }
      }
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
    ready.complete(null);
    result.completeExceptionally(
        new IllegalStateException("contender process ended without a result (see child.log)"));
  }

  void awaitReady(long seconds) {
    try {
      ready.get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("contender not ready after " + seconds + " s", e);
    }
  }

  ChildResult awaitResult(long seconds) {
    try {
      ChildResult done = result.get(seconds, TimeUnit.SECONDS);
      process.waitFor(30, TimeUnit.SECONDS);
      return done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("contender failed: " + e.getMessage(), e);
    }
  }
}
