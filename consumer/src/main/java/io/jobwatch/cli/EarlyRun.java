package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Issue 12.5: starts the command of {@code jobwatch run [options] -- CMD...} from {@code main},
 * before the command line parser, logging, Jackson or Kafka are loaded, so a cron job starts within
 * the JVM's own start-up. Only a plain command line is started early: {@code run} first, then
 * nothing but the options {@code run} knows with ordinary values, {@code --monitor} among them,
 * then {@code --} and the command. Anything else (help, a mistyped option, a missing monitor) goes
 * the ordinary way, where the parser reports it before anything runs. With the command started, a
 * thread of its own connects the Kafka producer while {@code main} goes on to the run command
 * ({@link RunCommand#runIfStartedEarly}, which then needs no parser either), so the two overlap
 * instead of adding up. Used by one thread (main starts, the run command takes).
 */
public final class EarlyRun {
  private static final Set<String> VALUED_OPTIONS =
      Set.of("--monitor", "--service", "--runner", "--mode");
  private static final Set<String> MODES = Set.of("structured", "binary");

  private static RunCommand.Started started;
  private static List<String> startedCommand;
  private static Instant startedAt;
  private static EventPublisher publisher;
  private static Map<String, String> publisherEnvironment;

  private EarlyRun() {}

  /**
   * Starts the command now if {@code args} are a plain {@code run} command line, then starts
   * connecting a publisher configured from {@code environment}.
   */
  public static synchronized void startIfPlain(String[] args, Map<String, String> environment) {
    List<String> command = plainCommand(args);
    if (command == null) {
      return;
    }
    startedAt = Instant.now();
    startedCommand = command;
    started = RunCommand.Started.of(command);
    Settings settings;
    try {
      settings = Settings.fromEnvironment(environment);
    } catch (RuntimeException malformed) {
      return; // the run command reports it the ordinary way
    }
    if (publisher != null) {
      publisher.close(); // main starts once; tests may start again
    }
    publisher = EventPublisher.forRun(settings);
    publisherEnvironment = Map.copyOf(environment);
    Thread connect = new Thread(publisher::connect, "jobwatch-run-connect");
    connect.setDaemon(true);
    connect.start();
  }

  /**
   * The command after {@code --} if {@code args} are a plain {@code run} command line (see the
   * class comment); null otherwise.
   */
  static List<String> plainCommand(String[] args) {
    RunCommand.Options options = plain(args);
    return options == null ? null : options.command();
  }

  /**
   * What {@code args} say if they are a plain {@code run} command line (see the class comment),
   * each option at most once as the parser requires; null otherwise.
   */
  static RunCommand.Options plain(String[] args) {
    if (args.length < 3 || !args[0].equals("run")) {
      return null;
    }
    Map<String, String> values = new HashMap<>();
    int i = 1;
    while (i < args.length && !args[i].equals("--")) {
      String option = args[i];
      String value;
      int equals = option.indexOf('=');
      if (equals > 0) {
        value = option.substring(equals + 1);
        option = option.substring(0, equals);
        i++;
      } else {
        if (i + 1 >= args.length) {
          return null;
        }
        value = args[i + 1];
        i += 2;
      }
      if (!VALUED_OPTIONS.contains(option) || value.isBlank() || value.startsWith("-")) {
        return null;
      }
      if (option.equals("--mode") && !MODES.contains(value)) {
        return null;
      }
      if (values.put(option, value) != null) {
        return null; // given twice: the parser rejects it
      }
    }
    if (!values.containsKey("--monitor") || i + 1 >= args.length) {
      return null;
    }
    return new RunCommand.Options(
        values.get("--monitor"),
        values.getOrDefault("--service", RunCommand.DEFAULT_SERVICE),
        values.getOrDefault("--runner", RunCommand.DEFAULT_RUNNER),
        values.containsKey("--mode")
            ? ContentMode.valueOf(values.get("--mode").toUpperCase(Locale.ROOT))
            : ContentMode.STRUCTURED,
        List.copyOf(Arrays.asList(args).subList(i + 1, args.length)));
  }

  /** Whether the process of {@code command} was started early and not yet handed over. */
  static synchronized boolean startedFor(List<String> command) {
    return started != null && startedCommand.equals(command);
  }

  /**
   * The process started early for {@code command} with when it started, or null if none was (or for
   * another command line); hands it over once.
   */
  static synchronized Taken take(List<String> command) {
    if (started == null || !startedCommand.equals(command)) {
      return null;
    }
    Taken taken = new Taken(started, startedAt);
    started = null;
    startedCommand = null;
    return taken;
  }

  /**
   * The publisher being connected since the start, if it was configured from the same {@code
   * environment}; null otherwise (the caller makes its own; one made for another environment is
   * closed). Hands it over once.
   */
  static synchronized EventPublisher takePublisher(Map<String, String> environment) {
    EventPublisher made = publisher;
    boolean same = environment.equals(publisherEnvironment);
    publisher = null;
    publisherEnvironment = null;
    if (made != null && !same) {
      made.close();
      return null;
    }
    return made;
  }

  /** Drops whatever was started and not handed over (tests: EarlyRun's state is static). */
  static synchronized void forget() {
    if (publisher != null) {
      publisher.close();
    }
    if (started != null && started.process() != null) {
      started.process().destroy();
    }
    RunSignals.restore();
    publisher = null;
    publisherEnvironment = null;
    started = null;
    startedCommand = null;
  }

  /** A process started early and when. */
  record Taken(RunCommand.Started started, Instant at) {}
}
