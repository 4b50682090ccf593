package io.jobwatch.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jobwatch spool flush|show}: the events spooled while Kafka was unreachable. */
@Command(
    name = "spool",
    mixinStandardHelpOptions = true,
    description = "Events spooled in $JOBWATCH_SPOOL_DIR while Kafka was unreachable.",
    footer = {"", "Examples:", "  jobwatch spool flush", "  jobwatch spool show"})
public final class SpoolCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "flush",
      mixinStandardHelpOptions = true,
      description = {
        "Send the spooled events, oldest first; exit 1 if some remain.",
        "Events Kafka refuses for good (a topic that does not exist or may not be written, a",
        "record too large) are moved to spool.jsonl.rejected with the reason."
      })
  public Integer flush() {
    JobwatchCommand root = JobwatchCommand.root(spec);
    Spool spool =
        Spool.fromEnvironment(root.environment())
            .withNotices(Spool.to(spec.commandLine().getErr()));
    PrintWriter out = spec.commandLine().getOut();
    try (EventPublisher publisher = new EventPublisher(root.settings())) {
      Spool.Drained drained = publisher.flush(spool);
      int left = spool.read().size();
      out.println(
          "sent "
              + drained.delivered()
              + " spooled events, "
              + left
              + " left in "
              + spool.file()
              + (drained.rejected() > 0
                  ? ", " + drained.rejected() + " refused by Kafka moved to " + spool.rejectedFile()
                  : ""));
      out.flush();
      if (left > 0 && publisher.problem() != null) {
        spec.commandLine().getErr().println(publisher.problem());
        spec.commandLine().getErr().flush();
      }
      return left == 0 ? 0 : 1;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {"Print spooled events, then those Kafka refused (rejected, with the reason)."})
  public Integer show() {
    Spool spool =
        Spool.fromEnvironment(JobwatchCommand.root(spec).environment())
            .withNotices(Spool.to(spec.commandLine().getErr()));
    PrintWriter out = spec.commandLine().getOut();
    for (OutgoingRecord record : spool.read()) {
      out.println(record.topic() + " " + record.key() + " " + record.value());
    }
    List<Spool.Rejected> rejected = spool.rejected();
    if (!rejected.isEmpty()) {
      out.println(
          "rejected (Kafka refuses them; in "
              + spool.rejectedFile()
              + ", never sent again: fix and append the line to "
              + spool.file()
              + ", or delete it):");
      for (Spool.Rejected refused : rejected) {
        OutgoingRecord record = refused.record();
        out.println(
            "rejected "
                + refused.rejectedAt()
                + " "
                + record.topic()
                + " "
                + record.key()
                + " ("
                + refused.reason()
                + ") "
                + record.value());
      }
    }
    out.flush();
    return 0;
  }
}
