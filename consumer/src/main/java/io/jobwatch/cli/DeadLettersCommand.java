package io.jobwatch.cli;

import io.jobwatch.store.DeadLetter;
import io.jobwatch.store.DeadLettersTable;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jobwatch dead-letters}: list, show and replay records the consumer rejected. */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = "Records the consumer rejected, with the reason; replay re-publishes them.",
    subcommands = {
      DeadLettersCommand.ListLetters.class,
      DeadLettersCommand.Show.class,
      DeadLettersCommand.Replay.class
    },
    footer = {
      "",
      "Examples:",
      "  jobwatch dead-letters list",
      "  jobwatch dead-letters show 17",
      "  jobwatch dead-letters replay 17       re-publish the raw record to its original topic",
      "  jobwatch dead-letters replay --all    every dead letter not replayed yet",
      "  jobwatch dead-letters replay --topic jobwatch.lifecycle --reason 'schedule.every'"
          + " --since 2h --limit 100 --dry-run"
    })
public final class DeadLettersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Jdbi jdbi(CommandSpec spec) {
    return CliOutput.jdbi(JobwatchCommand.root(spec).settings());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters.")
  static final class ListLetters implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print JSON (stable snake_case field names).")
    boolean json;

    @Override
    public Integer call() {
      List<DeadLettersTable.Letter> letters =
          jdbi(spec)
              .withHandle(
                  handle ->
                      DeadLettersTable.select(handle, DeadLettersTable.Selection.everything()));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        CliJson.print(out, letters.stream().map(Shown::of).toList());
        return 0;
      }
      Instant now = Instant.now();
      Table table =
          new Table("ID", "TOPIC", "PARTITION", "OFFSET", "RECEIVED", "REPLAYED", "REASON");
      for (DeadLettersTable.Letter letter : letters) {
        table.row(
            letter.id(),
            letter.topic(),
            letter.partition(),
            letter.offset(),
            CliTimes.relative(letter.receivedAt(), now),
            letter.replayedAt() != null
                ? CliTimes.relative(letter.replayedAt(), now)
                : letter.inDoubt() ? "in doubt" : null,
            letter.reason());
      }
      if (table.isEmpty()) {
        out.println("no dead letters");
        out.flush();
      } else {
        table.print(out);
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    long id;

    @Option(names = "--json", description = "Print JSON (stable snake_case field names).")
    boolean json;

    @Override
    public Integer call() {
      Optional<DeadLettersTable.Letter> letter =
          jdbi(spec).withHandle(handle -> DeadLettersTable.byId(handle, id));
      if (letter.isEmpty()) {
        spec.commandLine().getErr().println("no dead letter " + id);
        return 1;
      }
      Shown shown = Shown.of(letter.get());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        CliJson.print(out, shown);
        return 0;
      }
      out.println("id        " + shown.id());
      out.println(
          "topic     "
              + shown.topic()
              + " partition "
              + shown.partition()
              + " offset "
              + shown.offset());
      out.println("received  " + shown.receivedAt());
      out.println(
          "replayed  "
              + (shown.replayedAt() != null
                  ? shown.replayedAt()
                  : shown.replayInDoubt() ? "in doubt (claimed, not confirmed)" : "-"));
      if (shown.truncated()) {
        out.println(
            "truncated yes, from "
                + shown.originalBytes()
                + " bytes: not the original record, never replayed");
      }
      // Anything a publisher sent is shown with its control characters escaped.
      out.println(
          "headers   "
              + (shown.headerKeys().isEmpty()
                  ? "-"
                  : TerminalText.of(shown.headerKeys().toString())));
      out.println("reason    " + TerminalText.of(shown.reason()));
      out.println(
          "key       "
              + TerminalText.of(shown.key())
              + (shown.encoding().equals("base64") ? " (base64)" : ""));
      out.println(
          "value     "
              + TerminalText.keepingLines(shown.value())
              + (shown.encoding().equals("base64") ? " (base64)" : ""));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Re-publish the original key, value and headers to the original topic, at most once:",
        "each letter is claimed, published (acks=all, idempotent producer) and marked replayed.",
        "A letter already replayed, or in doubt (a run stopped between claim and mark), is",
        "skipped unless --force. A truncated letter is never replayed.",
        "The consumer reads it again: fixed publishers or a newer contract may accept it now."
      })
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letter ids.")
    List<Long> ids = new ArrayList<>();

    @Option(names = "--all", description = "Every dead letter not replayed yet.")
    boolean all;

    @Option(names = "--topic", description = "Only letters from this topic (exact name).")
    String topic;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Only letters whose reason contains TEXT (substring, case-insensitive).")
    String reason;

    @Option(
        names = "--since",
        paramLabel = "WHEN",
        converter = TimeBoundConverter.class,
        description = "Only letters received at or after WHEN (2026-11-22T10:00:00Z, or 2h ago).")
    Instant since;

    @Option(
        names = "--until",
        paramLabel = "WHEN",
        converter = TimeBoundConverter.class,
        description = "Only letters received before WHEN (2026-11-22T10:00:00Z, or 2h ago).")
    Instant until;

    @Option(names = "--limit", description = "At most N letters, oldest first.")
    Integer limit;

    @Option(names = "--dry-run", description = "Show what would be replayed; send nothing.")
    boolean dryRun;

    @Option(
        names = "--force",
        description = "Also send letters already replayed or in doubt (never truncated ones).")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      boolean filtered =
          topic != null || reason != null || since != null || until != null || limit != null;
      if (ids.isEmpty() && !all && !filtered) {
        err.println(
            "name dead letter ids, --all, or a filter (--topic, --reason, --since, --until,"
                + " --limit)");
        return 2;
      }
      if (limit != null && limit < 1) {
        err.println("--limit must be at least 1");
        return 2;
      }
      Jdbi jdbi = jdbi(spec);
      // Named ids are shown even when replayed (to say why they are skipped); filters look at
      // letters not replayed yet, unless --force.
      DeadLettersTable.Selection selection =
          new DeadLettersTable.Selection(
              List.copyOf(ids), topic, reason, since, until, limit, force || !ids.isEmpty());
      List<DeadLettersTable.Letter> letters =
          jdbi.withHandle(handle -> DeadLettersTable.select(handle, selection));
      boolean missing = false;
      for (Long id : ids) {
        if (letters.stream().noneMatch(letter -> letter.id() == id)) {
          err.println("no dead letter " + id);
          missing = true;
        }
      }
      DeadLetterReplay.Summary summary;
      try (EventPublisher publisher = new EventPublisher(JobwatchCommand.root(spec).settings())) {
        summary =
            new DeadLetterReplay(jdbi, publisher, Clock.systemUTC(), out, err)
                .replay(letters, force, dryRun);
      }
      out.println(
          summary.replayed()
              + (dryRun ? " would be replayed (dry run)" : " replayed")
              + (summary.skipped() > 0 ? ", " + summary.skipped() + " skipped" : ""));
      out.flush();
      err.flush();
      if (summary.failed()) {
        return Publishing.UNDELIVERED;
      }
      return missing || (!ids.isEmpty() && summary.skipped() > 0) ? 1 : 0;
    }
  }

  /** A dead letter for display: key and value as UTF-8 text, or base64 when they are not text. */
  record Shown(
      long id,
      String topic,
      int partition,
      long offset,
      String reason,
      Instant receivedAt,
      Instant replayedAt,
      String encoding,
      String key,
      String value,
      boolean truncated,
      Integer originalBytes,
      boolean replayInDoubt,
      List<String> headerKeys) {
    static Shown of(DeadLettersTable.Letter letter) {
      boolean text = isUtf8(letter.key()) && isUtf8(letter.value());
      return new Shown(
          letter.id(),
          letter.topic(),
          letter.partition(),
          letter.offset(),
          letter.reason(),
          letter.receivedAt(),
          letter.replayedAt(),
          text ? "utf-8" : "base64",
          render(letter.key(), text),
          render(letter.value(), text),
          letter.truncated(),
          letter.originalBytes(),
          letter.inDoubt(),
          letter.headers().stream().map(DeadLetter.Header::key).toList());
    }

    private static String render(byte[] bytes, boolean text) {
      if (bytes == null) {
        return null;
      }
      return text
          ? new String(bytes, StandardCharsets.UTF_8)
          : Base64.getEncoder().encodeToString(bytes);
    }

    private static boolean isUtf8(byte[] bytes) {
      if (bytes == null) {
        return true;
      }
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes));
        return true;
      } catch (CharacterCodingException e) {
        return false;
      }
    }
  }
}
