package io.jobwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.config.Settings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Publishes {@code monitor.paused}, {@code monitor.resumed} or {@code monitor.retired}, after
 * checking that the database knows a declared monitor of that name: a mistyped name would publish
 * an event that pauses nothing while the real monitor goes on paging (docs/monitors.md).
 */
abstract class MonitorChangeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The monitor.")
  String monitor;

  @Option(
      names = "--force",
      description =
          "Publish even if the database knows no declared monitor of this name (it takes effect"
              + " when one is declared).")
  boolean force;

  abstract String type();

  /** Whether the change means nothing for a retired monitor (a re-declaration re-activates it). */
  boolean uselessWhenRetired() {
    return true;
  }

  @Override
  public Integer call() {
    if (!force) {
      String refusal = refusal(JobwatchCommand.root(spec).settings());
      if (refusal != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("not sent: " + refusal + " (--force sends it anyway)");
        err.flush();
        return Publishing.INVALID;
      }
    }
    ObjectNode data = CliEvents.MAPPER.createObjectNode().put("monitor", monitor);
    return Publishing.publish(spec, type(), data, Instant.now(), false);
  }

  /**
   * Why the change should not be sent, or null. A database that cannot be read does not stop it
   * (publishing hosts may have no database access): a warning says the name was not checked.
   */
  private String refusal(Settings settings) {
    Map<String, MonitorPlan.Current> declared;
    try {
      declared = CliOutput.jdbi(settings).withHandle(MonitorDeclarationQueries::all);
    } catch (RuntimeException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "warning: could not check that monitor "
              + monitor
              + " is declared: "
              + settings.db().redactText(ErrorLine.of(e)));
      err.flush();
      return null;
    }
    MonitorPlan.Current current = declared.get(monitor);
    if (current == null) {
      return "no monitor named \""
          + monitor
          + "\" is declared ("
          + declared.size()
          + " are; `jobwatch monitors` lists them)";
    }
    if (current.retired() && uselessWhenRetired()) {
      return "monitor "
          + monitor
          + " is retired: "
          + type()
          + " changes nothing (declaring it again re-activates it)";
    }
    return null;
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop alerting.")
  static final class Pause extends MonitorChangeCommand {
    @Override
    String type() {
      return "monitor.paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Alert again.")
  static final class Resume extends MonitorChangeCommand {
    @Override
    String type() {
      return "monitor.resumed";
    }
  }

  @Command(
      name = "retire",
      mixinStandardHelpOptions = true,
      description = "The script is gone: no alerts, no metrics.")
  static final class Retire extends MonitorChangeCommand {
    @Override
    String type() {
      return "monitor.retired";
    }

    @Override
    boolean uselessWhenRetired() {
      return false;
    }
  }
}
