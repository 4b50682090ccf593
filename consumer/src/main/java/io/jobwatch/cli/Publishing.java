package io.jobwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The write path shared by the publishing commands: validate before sending, send what the spool
 * holds first, then the event, and wait for the acknowledgement. Stateless.
 */
final class Publishing {
  /** Exit code for an event the contract rejects. */
  static final int INVALID = 2;

  /** Exit code when Kafka did not acknowledge. */
  static final int UNDELIVERED = 1;

  private Publishing() {}

  /** Publishes one event in structured mode; returns the exit code. */
  static int publish(CommandSpec spec, String type, ObjectNode data, Instant time, boolean spool) {
    return publish(spec, type, data, time, spool, ContentMode.STRUCTURED);
  }

  /** Publishes one event built from {@code type} and {@code data}; returns the exit code. */
  static int publish(
      CommandSpec spec,
      String type,
      ObjectNode data,
      Instant time,
      boolean spool,
      ContentMode mode) {
    JobwatchCommand root = JobwatchCommand.root(spec);
    Settings settings = root.settings();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ObjectNode envelope = CliEvents.envelope(type, time, data);
    OutgoingRecord record;
    try {
      record = CliEvents.record(settings, envelope).in(mode);
    } catch (CliEvents.InvalidEvent e) {
      err.println("invalid " + type + " event, not sent: " + e.getMessage());
      err.flush();
      return INVALID;
    }
    Spool spooled = Spool.fromEnvironment(root.environment()).withNotices(Spool.to(err));
    try (EventPublisher publisher = new EventPublisher(settings)) {
      flushSpool(publisher, spooled, out, err);
      try {
        EventPublisher.Delivery delivery = publisher.send(record);
        out.println(
            "sent "
                + type
                + " "
                + envelope.path("id").asText()
                + " to "
                + delivery.topic()
                + " (key "
                + record.key()
                + ", partition "
                + delivery.partition()
                + ", offset "
                + delivery.offset()
                + ")");
        out.flush();
        return 0;
      } catch (EventPublisher.Refused e) {
        // Kafka will never take it: spooled, it would only be moved aside by the next flush.
        err.println(e.getMessage() + (spool ? "; not spooled" : ""));
        err.flush();
        return UNDELIVERED;
      } catch (JobwatchException e) {
        if (spool) {
          try {
            spooled.append(java.util.List.of(record));
          } catch (JobwatchException spoolFailed) {
            err.println(e.getMessage() + "; not spooled: " + spoolFailed.getMessage());
            err.flush();
            return UNDELIVERED;
          }
          err.println(e.getMessage() + "; spooled to " + spooled.file());
          err.flush();
          return 0;
        }
        err.println(e.getMessage());
        err.flush();
        return UNDELIVERED;
      }
    }
  }

  /**
   * Sends spooled records before new ones; reports how many went out. A spool that cannot be used
   * (a read-only or full file system, a path that is not a directory) is said on {@code err} and
   * skipped: the new event is still sent, as {@code run} does.
   */
  static void flushSpool(EventPublisher publisher, Spool spool, PrintWriter out, PrintWriter err) {
    int flushed;
    try {
      if (spool.read().isEmpty()) {
        return;
      }
      flushed = publisher.flush(spool).delivered();
    } catch (JobwatchException e) {
      err.println(e.getMessage() + "; sending without it");
      err.flush();
      return;
    }
    if (flushed > 0) {
      out.println("sent " + flushed + " spooled records from " + spool.file());
      out.flush();
    }
  }
}
