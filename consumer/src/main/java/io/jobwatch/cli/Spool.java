package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.JobwatchException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Records that could not be delivered, one JSON line each ({@code topic}, {@code key}, {@code
 * value}, and {@code headers} for a binary-mode record), in {@code spool.jsonl} of the spool
 * directory. Every access holds an exclusive file lock, so cron jobs running at the same moment do
 * not interleave. Safe across processes; within one JVM use one operation at a time.
 */
final class Spool {
  static final String FILE = "spool.jsonl";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path directory;

  Spool(Path directory) {
    this.directory = directory;
  }

  /** {@code $JOBWATCH_SPOOL_DIR}, or {@code ~/.jobwatch/spool}. */
  static Spool fromEnvironment(Map<String, String> environment) {
    String configured = environment.get("JOBWATCH_SPOOL_DIR");
    return new Spool(
        configured == null || configured.isBlank()
            ? Path.of(System.getProperty("user.home"), ".jobwatch", "spool")
            : Path.of(configured));
  }

  Path file() {
    return directory.resolve(FILE);
  }

  /** Appends records at the end of the spool. */
  void append(List<OutgoingRecord> records) {
    StringBuilder lines = new StringBuilder();
    for (OutgoingRecord record : records) {
      lines.append(toLine(record)).append('\n');
    }
    withLock(
        () -> {
          Files.write(
              file(),
              lines.toString().getBytes(StandardCharsets.UTF_8),
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          return null;
        });
  }

  /** The spooled records, oldest first. */
  List<OutgoingRecord> read() {
    return withLock(this::readLocked);
  }

  /**
   * Offers each spooled record, oldest first, to {@code deliver} until it returns false; keeps the
   * undelivered rest. Returns how many were delivered.
   */
  int drain(Predicate<OutgoingRecord> deliver) {
    return withLock(
        () -> {
          List<OutgoingRecord> records = readLocked();
          int delivered = 0;
          while (delivered < records.size() && deliver.test(records.get(delivered))) {
            delivered++;
          }
          if (delivered > 0) {
            StringBuilder rest = new StringBuilder();
            for (OutgoingRecord record : records.subList(delivered, records.size())) {
              rest.append(toLine(record)).append('\n');
            }
            Path temporary = directory.resolve(FILE + ".tmp");
            Files.writeString(temporary, rest, StandardCharsets.UTF_8);
            Files.move(
                temporary,
                file(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          }
          return delivered;
        });
  }

  private List<OutgoingRecord> readLocked() throws IOException {
    List<OutgoingRecord> records = new ArrayList<>();
    if (!Files.exists(file())) {
      return records;
    }
    for (String line : Files.readAllLines(file(), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        records.add(fromLine(line));
      }
    }
    return records;
  }

  private static String toLine(OutgoingRecord record) {
    ObjectNode line = MAPPER.createObjectNode();
    line.put("topic", record.topic());
    line.put("key", record.key());
    line.put("value", record.value());
    if (!record.headers().isEmpty()) {
      ObjectNode headers = line.putObject("headers");
      record.headers().forEach(headers::put);
    }
    return line.toString();
  }

  private OutgoingRecord fromLine(String line) {
    try {
      JsonNode node = MAPPER.readTree(line);
      JsonNode key = node.get("key");
      Map<String, String> headers = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> header : node.path("headers").properties()) {
        headers.put(header.getKey(), header.getValue().asText());
      }
      return new OutgoingRecord(
          node.get("topic").asText(),
          key == null || key.isNull() ? null : key.asText(),
          node.get("value").asText(),
          headers);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new JobwatchException("unreadable line in the spool " + file() + ": " + line, e);
    }
  }

  private interface Locked<T> {
    T run() throws IOException;
  }

  private <T> T withLock(Locked<T> action) {
    try {
      Files.createDirectories(directory);
      try (FileChannel channel =
          FileChannel.open(
              directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock();
        try {
          return action.run();
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new JobwatchException("could not use the spool in " + directory, e);
    }
  }
}
