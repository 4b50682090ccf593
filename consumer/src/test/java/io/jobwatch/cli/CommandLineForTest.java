package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A command line that names a subcommand builds only that one's model; what the user sees must not
 * change. The oracle is the command line with every subcommand.
 */
class CommandLineForTest {
  private static String usage(CommandLine commandLine) {
    StringWriter text = new StringWriter();
    commandLine.usage(new PrintWriter(text));
    return text.toString();
  }

  @Test
  void eachSubcommandAloneHasTheSameUsageAndOptionsAsAmongAll() {
    CommandLine all = JobwatchCommand.commandLine(Map.of());
    assertThat(all.getSubcommands()).hasSize(12);
    for (var entry : all.getSubcommands().entrySet()) {
      String name = entry.getKey();
      if (name.equals("help")) {
        continue; // anythingElseGetsEverySubcommand
      }
      CommandLine alone = JobwatchCommand.commandLineFor(new String[] {name, "--help"}, Map.of());
      assertThat(alone.getSubcommands()).as(name).containsOnlyKeys(name);
      CommandLine sub = alone.getSubcommands().get(name);
      assertThat(usage(sub)).as(name).isEqualTo(usage(entry.getValue()));
      assertThat(sub.isCaseInsensitiveEnumValuesAllowed()).as(name).isTrue();
      assertThat(entry.getValue().isCaseInsensitiveEnumValuesAllowed()).as(name).isTrue();
      assertThat(sub.isUnmatchedOptionsArePositionalParams())
          .as(name)
          .isEqualTo(entry.getValue().isUnmatchedOptionsArePositionalParams());
    }
  }

  @Test
  void anythingElseGetsEverySubcommand() {
    for (String[] args :
        new String[][] {{}, {"--help"}, {"help"}, {"help", "status"}, {"stauts"}, {"--version"}}) {
      assertThat(JobwatchCommand.commandLineFor(args, Map.of()).getSubcommands().keySet())
          .containsExactlyElementsOf(
              JobwatchCommand.commandLine(Map.of()).getSubcommands().keySet());
    }
  }

  @Test
  void emitStillTakesFreeFormFieldsWhenBuiltAlone() {
    CommandLine alone = JobwatchCommand.commandLineFor(new String[] {"emit"}, Map.of());
    assertThat(alone.getSubcommands().get("emit").isUnmatchedOptionsArePositionalParams()).isTrue();
    var parsed = alone.parseArgs("emit", "job.started", "--job-id", "j1", "--attempt", "1");
    assertThat(parsed.subcommand().matchedPositionals()).isNotEmpty();
  }

  @Test
  void everySubcommandsSummaryInTheTopLevelHelpIsAWholeSentence() {
    // jobwatch --help lists each subcommand with the first line of its description only, so a
    // sentence wrapped over two lines was shown cut off ("prune terminal jobs, dead").
    for (var entry : JobwatchCommand.commandLine(Map.of()).getSubcommands().entrySet()) {
      String[] description = entry.getValue().getCommandSpec().usageMessage().description();
      assertThat(description).as(entry.getKey()).isNotEmpty();
      assertThat(description[0].strip()).as(entry.getKey()).endsWith(".");
    }
  }
}
