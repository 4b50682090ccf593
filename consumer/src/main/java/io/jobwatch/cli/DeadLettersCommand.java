package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.ArgGroup;
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
      "  jobwatch dead-letters replay --all    every dead letter not replayed yet"
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
      List<DeadLetterQueries.Letter> letters = jdbi(spec).withHandle(DeadLetterQueries::all);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        CliOutput.printJson(out, letters.stream().map(Shown::of).toList());
        return 0;
      }
      Instant now = Instant.now();
      Table table =
          new Table("ID", "TOPIC", "PARTITION", "OFFSET", "RECEIVED", "REPLAYED", "REASON");
      for (DeadLetterQueries.Letter letter : letters) {
        table.row(
            letter.id(),
            letter.topic(),
            letter.partition(),
            letter.offset(),
            CliOutput.relative(letter.receivedAt(), now),
            letter.replayedAt() == null ? null : CliOutput.relative(letter.replayedAt(), now),
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
      Optional<DeadLetterQueries.Letter> letter =
          jdbi(spec).withHandle(handle -> DeadLetterQueries.byId(handle, id));
      if (letter.isEmpty()) {
        spec.commandLine().getErr().println("no dead letter " + id);
        return 1;
      }
      Shown shown = Shown.of(letter.get());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        CliOutput.printJson(out, shown);
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
      out.println("replayed  " + (shown.replayedAt() == null ? "-" : shown.replayedAt()));
      out.println("reason    " + shown.reason());
      out.println(
          "key       " + shown.key() + (shown.encoding().equals("base64") ? " (base64)" : ""));
      out.println(
          "value     " + shown.value() + (shown.encoding().equals("base64") ? " (base64)" : ""));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Re-publish the raw key and value to the original topic and mark the row replayed.",
        "The consumer reads it again: fixed publishers or a newer contract may accept it now."
      })
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    static final class Selection {
      @Parameters(paramLabel = "ID", description = "The dead letter's id.")
      Long id;

      @Option(names = "--all", description = "Every dead letter not replayed yet.")
      boolean all;
    }

    @Override
    public Integer call() {
      Jdbi jdbi = jdbi(spec);
      List<DeadLetterQueries.Letter> letters = new ArrayList<>();
      if (selection.all) {
        letters.addAll(jdbi.withHandle(DeadLetterQueries::notReplayed));
      } else {
        Optional<DeadLetterQueries.Letter> letter =
            jdbi.withHandle(handle -> DeadLetterQueries.byId(handle, selection.id));
        if (letter.isEmpty()) {
          spec.commandLine().getErr().println("no dead letter " + selection.id);
          return 1;
        }
        letters.add(letter.get());
      }
      PrintWriter out = spec.commandLine().getOut();
      try (EventPublisher publisher = new EventPublisher(JobwatchCommand.root(spec).settings())) {
        for (DeadLetterQueries.Letter letter : letters) {
          EventPublisher.Delivery delivery;
          try {
            delivery = publisher.send(letter.topic(), letter.key(), letter.value());
          } catch (JobwatchException e) {
            spec.commandLine()
                .getErr()
                .println("dead letter " + letter.id() + ": " + e.getMessage());
            return Publishing.UNDELIVERED;
          }
          jdbi.useHandle(
              handle -> DeadLetterQueries.markReplayed(handle, letter.id(), Instant.now()));
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
        }
      }
      out.println(letters.size() + " replayed");
      out.flush();
      return 0;
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
      String value) {
    static Shown of(DeadLetterQueries.Letter letter) {
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
          render(letter.value(), text));
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
