package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.JobwatchException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Records that could not be delivered, one JSON line each ({@code topic}, {@code key}, {@code
 * value}, and {@code headers} for a binary-mode record), in {@code spool.jsonl} of the spool
 * directory. Every access holds an exclusive file lock, so cron jobs running at the same moment do
 * not interleave. Safe across processes; within one JVM use one operation at a time.
 *
 * <p>A line that cannot be read back (a write cut short by a full disk or a kill) would otherwise
 * stop every later flush at the same place: whichever operation meets it first moves it aside,
 * appended to {@code spool.jsonl.bad} next to the spool, keeps the readable lines in their order
 * and says so once through the notice sink. An append after a line cut short without its newline
 * starts a new line, so the damage stays within that one line.
 *
 * <p>A record Kafka refuses for good (its topic does not exist, it is too large) would block every
 * later flush the same way: {@link #offerEach} moves it to {@code spool.jsonl.rejected} with the
 * reason and goes on with the next one.
 */
final class Spool {
  static final String FILE = "spool.jsonl";

  /** Where unreadable lines are moved, next to {@link #FILE}. */
  static final String BAD_FILE = FILE + ".bad";

  /** Where records Kafka refuses for good are moved, with the reason, next to {@link #FILE}. */
  static final String REJECTED_FILE = FILE + ".rejected";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path directory;
  private final Consumer<String> notices;

  /** A spool whose notices (unreadable lines moved aside) go to standard error. */
  Spool(Path directory) {
    this(directory, Spool::toStandardError);
  }

  Spool(Path directory, Consumer<String> notices) {
    this.directory = directory;
    this.notices = notices;
  }

  /** The same spool, with its notices given to {@code sink} (run prints them after the command). */
  Spool withNotices(Consumer<String> sink) {
    return new Spool(directory, sink);
  }

  /** A notice sink printing to {@code err}. */
  static Consumer<String> to(PrintWriter err) {
    return notice -> {
      err.println(notice);
      err.flush();
    };
  }

  private static void toStandardError(String notice) {
    System.err.println(notice);
    System.err.flush();
  }

  /** {@code $JOBWATCH_SPOOL_DIR}, or {@code ~/.jobwatch/spool}. */
  static Spool fromEnvironment(Map<String, String> environment) {
    String configured = environment.get("JOBWATCH_SPOOL_DIR");
    return new Spool(
        configured == null || configured.isBlank()
            ? Path.of(home(environment), ".jobwatch", "spool")
            : Path.of(configured));
  }

  /**
   * {@code ~} as a shell reads it: {@code $HOME} (cron's, a crontab's {@code HOME=} line, a
   * container's), else the password database's home. The JDK reads only the latter, and for a user
   * it does not know (an arbitrary container UID) says "?", a path relative to the working
   * directory where the next run from elsewhere would never find the spool.
   */
  private static String home(Map<String, String> environment) {
    String home = environment.get("HOME");
    if (home != null && Path.of(home).isAbsolute()) {
      return home;
    }
    return System.getProperty("user.home");
  }

  Path file() {
    return directory.resolve(FILE);
  }

  Path badFile() {
    return directory.resolve(BAD_FILE);
  }

  Path rejectedFile() {
    return directory.resolve(REJECTED_FILE);
  }

  /** Appends records at the end of the spool. */
  void append(List<OutgoingRecord> records) {
    StringBuilder lines = new StringBuilder();
    for (OutgoingRecord record : records) {
      lines.append(toLine(record)).append('\n');
    }
    withLock(
        () -> {
          if (endsInsideALine(file())) {
            lines.insert(0, '\n'); // the last append was cut short: keep this one's lines whole
          }
          Files.write(
              file(),
              lines.toString().getBytes(StandardCharsets.UTF_8),
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          return null;
        });
  }

  /**
   * The spooled records, oldest first. Without a spool file there is nothing to lock: a spool that
   * was never written needs no directory, so a read-only home does not stop a send.
   */
  List<OutgoingRecord> read() {
    if (!Files.exists(file())) {
      return List.of();
    }
    return withLock(this::readLocked);
  }

  /** What became of a record offered by {@link #offerEach}. */
  enum Fate {
    /** Kafka acknowledged it: it leaves the spool. */
    DELIVERED,
    /** Kafka refuses it for good: it moves to {@link #REJECTED_FILE} with the reason. */
    REJECTED,
    /** Not sent (the broker is away): it and every later record stay, in order. */
    KEPT
  }

  /** The fate of an offered record, with the reason for a {@link Fate#REJECTED} one. */
  record Offer(Fate fate, String reason) {
    static final Offer DELIVERED = new Offer(Fate.DELIVERED, null);
    static final Offer KEPT = new Offer(Fate.KEPT, null);

    static Offer rejected(String reason) {
      return new Offer(Fate.REJECTED, reason);
    }
  }

  /** How many records a {@link #offerEach} delivered and moved to {@link #REJECTED_FILE}. */
  record Drained(int delivered, int rejected) {
    static final Drained NONE = new Drained(0, 0);
  }

  /** A record moved to {@link #REJECTED_FILE}: why, and when. */
  record Rejected(OutgoingRecord record, String reason, String rejectedAt) {}

  /**
   * Offers each spooled record, oldest first, to {@code offer}: a delivered one leaves the spool, a
   * rejected one is appended to {@link #REJECTED_FILE} with its reason (and named once through the
   * notice sink), so that a record Kafka will never take does not block the others; the first kept
   * one stops the drain and stays with every later record, in order.
   */
  Drained offerEach(Function<OutgoingRecord, Offer> offer) {
    if (!Files.exists(file())) {
      return Drained.NONE;
    }
    return withLock(
        () -> {
          List<OutgoingRecord> records = readLocked();
          int delivered = 0;
          List<String> rejected = new ArrayList<>();
          List<String> reasons = new ArrayList<>();
          int next = 0;
          while (next < records.size()) {
            OutgoingRecord record = records.get(next);
            Offer fate = offer.apply(record);
            if (fate.fate() == Fate.KEPT) {
              break;
            }
            if (fate.fate() == Fate.DELIVERED) {
              delivered++;
            } else {
              rejected.add(toRejectedLine(record, fate.reason()));
              reasons.add(
                  "jobwatch:   topic "
                      + record.topic()
                      + ", key "
                      + record.key()
                      + ": "
                      + fate.reason());
            }
            next++;
          }
          if (!rejected.isEmpty()) {
            // Written before the spool loses them: a kill in between repeats, never loses, one.
            StringBuilder lines = new StringBuilder(endsInsideALine(rejectedFile()) ? "\n" : "");
            rejected.forEach(line -> lines.append(line).append('\n'));
            Files.write(
                rejectedFile(),
                lines.toString().getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
          }
          if (next > 0) {
            StringBuilder rest = new StringBuilder();
            for (OutgoingRecord record : records.subList(next, records.size())) {
              rest.append(toLine(record)).append('\n');
            }
            replace(rest);
          }
          if (!rejected.isEmpty()) {
            notices.accept(
                "jobwatch: moved "
                    + (rejected.size() == 1 ? "1 record" : rejected.size() + " records")
                    + " of the spool that Kafka refuses for good to "
                    + rejectedFile()
                    + " (jobwatch spool show lists them):\n"
                    + String.join("\n", reasons));
          }
          return new Drained(delivered, rejected.size());
        });
  }

  /**
   * Offers each spooled record, oldest first, to {@code deliver} until it returns false; keeps the
   * undelivered rest. Returns how many were delivered.
   */
  int drain(Predicate<OutgoingRecord> deliver) {
    return offerEach(record -> deliver.test(record) ? Offer.DELIVERED : Offer.KEPT).delivered();
  }

  /** The records moved to {@link #REJECTED_FILE}, oldest first; unreadable lines are skipped. */
  List<Rejected> rejected() {
    if (!Files.exists(rejectedFile())) {
      return List.of();
    }
    return withLock(
        () -> {
          List<Rejected> rejected = new ArrayList<>();
          for (byte[] bytes : lines(rejectedFile())) {
            String line = strictUtf8(bytes);
            OutgoingRecord record = line == null || line.isBlank() ? null : fromLine(line);
            if (record != null) {
              JsonNode node = MAPPER.readTree(line);
              rejected.add(
                  new Rejected(
                      record, node.path("reason").asText(), node.path("rejected_at").asText()));
            }
          }
          return rejected;
        });
  }

  /**
   * The lines of {@code file} as bytes: decoded one by one, a write cut inside a multi-byte
   * character (a kill during an append) spoils its own line only, where decoding the whole file
   * strictly would refuse all of it.
   */
  private static List<byte[]> lines(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    while (start < content.length) {
      int end = start;
      while (end < content.length && content[end] != '\n') {
        end++;
      }
      lines.add(java.util.Arrays.copyOfRange(content, start, end));
      start = end + 1;
    }
    return lines;
  }

  /** Whether {@code file} exists, is not empty and does not end with a newline. */
  private static boolean endsInsideALine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  /**
   * The readable records, oldest first; moves unreadable lines to {@link #BAD_FILE} (rewriting the
   * spool without them) and gives notice of it.
   */
  private List<OutgoingRecord> readLocked() throws IOException {
    List<OutgoingRecord> records = new ArrayList<>();
    if (!Files.exists(file())) {
      return records;
    }
    List<String> good = new ArrayList<>();
    java.io.ByteArrayOutputStream bad = new java.io.ByteArrayOutputStream();
    int badLines = 0;
    for (byte[] bytes : lines(file())) {
      String line = strictUtf8(bytes);
      if (line != null && line.isBlank()) {
        continue;
      }
      OutgoingRecord record = line == null ? null : fromLine(line);
      if (record == null) {
        bad.write(bytes);
        bad.write('\n');
        badLines++;
      } else {
        records.add(record);
        good.add(line);
      }
    }
    if (badLines > 0) {
      Files.write(
          badFile(), bad.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      StringBuilder rest = new StringBuilder();
      good.forEach(line -> rest.append(line).append('\n'));
      replace(rest);
      notices.accept(
          "jobwatch: moved "
              + badLines
              + (badLines == 1 ? " unreadable line" : " unreadable lines")
              + " of the spool to "
              + badFile()
              + "; the other "
              + records.size()
              + " spooled records are kept");
    }
    return records;
  }

  /** The line as strict UTF-8 text, or null if it is not (a write cut inside a character). */
  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /** Replaces the spool's content with {@code lines}, atomically. */
  private void replace(CharSequence lines) throws IOException {
    Path temporary = directory.resolve(FILE + ".tmp");
    Files.writeString(temporary, lines, StandardCharsets.UTF_8);
    Files.move(
        temporary,
        file(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String toLine(OutgoingRecord record) {
    return toNode(record).toString();
  }

  /** The spool line of {@code record} with why Kafka refuses it and when it was moved aside. */
  private static String toRejectedLine(OutgoingRecord record, String reason) {
    return toNode(record)
        .put("reason", reason)
        .put("rejected_at", java.time.Instant.now().toString())
        .toString();
  }

  private static ObjectNode toNode(OutgoingRecord record) {
    ObjectNode line = MAPPER.createObjectNode();
    line.put("topic", record.topic());
    line.put("key", record.key());
    line.put("value", record.value());
    if (!record.headers().isEmpty()) {
      ObjectNode headers = line.putObject("headers");
      record.headers().forEach(headers::put);
    }
    return line;
  }

  /** The record of one spool line; null if the line cannot be read. */
  private static OutgoingRecord fromLine(String line) {
    try {
      JsonNode node = MAPPER.readTree(line);
      JsonNode topic = node.get("topic");
      JsonNode key = node.get("key");
      JsonNode value = node.get("value");
      if (topic == null || !topic.isTextual() || value == null) {
        return null;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> header : node.path("headers").properties()) {
        headers.put(header.getKey(), header.getValue().asText());
      }
      return new OutgoingRecord(
          topic.asText(),
          key == null || key.isNull() ? null : key.asText(),
          value.asText(),
          headers);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
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
