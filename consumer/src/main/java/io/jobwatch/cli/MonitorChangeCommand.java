package io.jobwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Publishes {@code monitor.paused}, {@code monitor.resumed} or {@code monitor.retired}. */
abstract class MonitorChangeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The monitor.")
  String monitor;

  abstract String type();

  @Override
  public Integer call() {
    ObjectNode data = CliEvents.MAPPER.createObjectNode().put("monitor", monitor);
    return Publishing.publish(spec, type(), data, Instant.now(), false);
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
  }
}
