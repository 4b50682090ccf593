package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
import io.jobwatch.store.DeadLettersTable;
import io.jobwatch.store.DeadLettersTable.Letter;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jdbi.v3.core.Jdbi;

/**
 * Replays dead letters at most once each: claim (committed) → publish with acks=all on the
 * idempotent producer and wait for the acknowledgement → mark replayed. A run stopped between claim
 * and mark leaves the letter <em>in doubt</em>; later runs skip it and say so, and only {@code
 * --force} sends it (or an already replayed letter) again. A truncated letter is never replayed: it
 * is not the original record. Not thread-safe; one per command run.
 */
final class DeadLetterReplay {
  /** What one run did. */
  record Summary(int replayed, int skipped, boolean failed) {}

  private final Jdbi jdbi;
  private final EventPublisher publisher;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private final String run = UUID.randomUUID().toString();

  DeadLetterReplay(
      Jdbi jdbi, EventPublisher publisher, Clock clock, PrintWriter out, PrintWriter err) {
    this.jdbi = jdbi;
    this.publisher = publisher;
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  Summary replay(List<Letter> letters, boolean force, boolean dryRun) {
    int replayed = 0;
    int skipped = 0;
    for (Letter letter : letters) {
      String refusal = refusal(letter, force);
      if (refusal != null) {
        out.println("skipped dead letter " + letter.id() + ": " + refusal);
        skipped++;
        continue;
      }
      if (dryRun) {
        out.println(
            "would replay dead letter "
                + letter.id()
                + " to "
                + letter.topic()
                + " ("
                + (letter.key() == null ? "no key" : letter.key().length + "-byte key")
                + ", "
                + letter.headers().size()
                + " headers, "
                + (letter.value() == null ? 0 : letter.value().length)
                + " bytes)");
        replayed++;
        continue;
      }
      boolean claimed =
          jdbi.withHandle(
              handle -> DeadLettersTable.claim(handle, letter.id(), run, clock.instant(), force));
      if (!claimed) {
        out.println(
            "skipped dead letter " + letter.id() + ": another replay claimed or replayed it");
        skipped++;
        continue;
      }
      EventPublisher.Delivery delivery;
      try {
        delivery =
            publisher.send(letter.topic(), letter.key(), letter.value(), kafkaHeaders(letter));
      } catch (JobwatchException e) {
        err.println(
            "dead letter "
                + letter.id()
                + ": "
                + e.getMessage()
                + "; it stays claimed (in doubt: the broker may have it). Check the topic, then"
                + " replay --force "
                + letter.id()
                + " if it is not there.");
        return new Summary(replayed, skipped, true);
      }
      jdbi.useHandle(
          handle ->
              DeadLettersTable.markReplayed(
                  handle,
                  letter.id(),
                  run,
                  clock.instant(),
                  delivery.partition(),
                  delivery.offset()));
      out.println(
          "replayed dead letter "
              + letter.id()
              + " to "
              + delivery.topic()
              + " (partition "
              + delivery.partition()
              + ", offset "
              + delivery.offset()
              + ")");
      replayed++;
    }
    return new Summary(replayed, skipped, false);
  }

  /** Why a letter is not replayed, or null. */
  static String refusal(Letter letter, boolean force) {
    if (letter.truncated()) {
      return "it was truncated when stored"
          + (letter.originalBytes() == null ? "" : " (" + letter.originalBytes() + " bytes)")
          + ", so it is not the original record; a truncated letter can never be replayed,"
          + " not even with --force";
    }
    if (force) {
      return null;
    }
    if (letter.replayedAt() != null) {
      return "already replayed at " + letter.replayedAt() + "; --force sends it again";
    }
    if (letter.inDoubt()) {
      return "in doubt: replay run "
          + letter.replayClaimedBy()
          + " claimed it at "
          + letter.replayClaimedAt()
          + " and stopped before recording the broker's acknowledgement, so it may already be"
          + " on "
          + letter.topic()
          + "; check, then --force sends it again";
    }
    return null;
  }

  /** The letter's original headers, as the producer takes them. */
  private static List<Header> kafkaHeaders(Letter letter) {
    return letter.headers().stream()
        .map(header -> (Header) new RecordHeader(header.key(), header.value()))
        .toList();
  }
}
