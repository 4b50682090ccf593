package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import io.jobwatch.demo.DemoPublishers;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jobwatch publish-demo}: only the simulated publishers, against an external Kafka. */
@Command(
    name = "publish-demo",
    mixinStandardHelpOptions = true,
    description = {
      "Only the demo's simulated publishers, against an existing Kafka.",
      "Runs the demo's simulated schedulers, runners and cron scripts against an existing Kafka",
      "(topics from JOBWATCH_LIFECYCLE_TOPIC and JOBWATCH_ERRORS_TOPIC). Ctrl-C stops."
    },
    footer = {"", "Examples:", "  jobwatch publish-demo --bootstrap kafka:9092"})
public final class PublishDemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: JOBWATCH_KAFKA_BOOTSTRAP).")
  String bootstrap;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long; default: until Ctrl-C.")
  Duration duration;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = JobwatchCommand.root(spec).settings();
    String servers = bootstrap == null ? settings.kafkaBootstrap() : bootstrap;
    DemoPublishers publishers =
        new DemoPublishers(
            servers, settings.kafkaOverrides(), settings.lifecycleTopic(), settings.errorsTopic());
    Thread publishing = new Thread(publishers, "jobwatch-demo-publishers");
    Thread hook =
        new Thread(
            () -> {
              publishers.stop();
              joinQuietly(publishing);
              publishers.close();
            },
            "jobwatch-publish-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    spec.commandLine().getOut().println("publishing demo events to " + servers);
    spec.commandLine().getOut().flush();
    publishing.start();
    publishing.join(duration == null ? 0 : duration.toMillis());
    publishers.stop();
    joinQuietly(publishing);
    publishers.close();
    Runtime.getRuntime().removeShutdownHook(hook);
    spec.commandLine().getOut().println("sent " + publishers.sent() + " records");
    return 0;
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
