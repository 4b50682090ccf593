package io.jobwatch.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jobwatch's logging, set up in code (issue 13; found by Logback through {@code
 * META-INF/services}). Everything goes to standard error (standard output is the CLI's), one event
 * per line: {@code JOBWATCH_LOG_FORMAT} {@code text} (default) or {@code json} (Logback's {@link
 * JsonEncoder}: timestamp in epoch ms, level, threadName, loggerName, mdc, kvpList,
 * formattedMessage, throwable), {@code JOBWATCH_LOG_LEVEL} TRACE to ERROR (default INFO). The Kafka
 * client's and the embedded servers' chatter stays at WARN whatever the level, and so do HikariCP's
 * configuration dump and driver loading, which quote the JDBC URL.
 *
 * <p>In code rather than in a {@code logback.xml} because reading XML costs every command about 0.1
 * s of its start (the JDK's XML parser and Logback's Joran; docs/performance.md, "`jobwatch status`
 * start"). With {@code -Dlogback.configurationFile=...} this configurator steps aside and Logback
 * reads that file, as it always did (when it exists; otherwise this setup, with a line on standard
 * error). As in Logback's variable lookup, a system property of a setting's name wins over the
 * environment variable. {@link Settings#fromEnvironment} rejects unknown values before anything
 * runs; here they fall back to the defaults.
 *
 * <p>{@code jobwatch run} passes the command's standard error through unchanged and says what it
 * has to say after the command ended; {@link #quietKafkaForRun} silences the Kafka client (whose
 * "connection refused" WARN lines would otherwise come every 0.2 s while the broker is away) for
 * the rest of such a process, unless JOBWATCH_LOG_LEVEL asks for DEBUG or TRACE.
 */
public final class LoggingConfigurator extends ContextAwareBase implements Configurator {
  private static final String CONFIGURATION_FILE = "logback.configurationFile";

  /** The context object marking a context this class set up (not the user's own file). */
  static final String BUILT_IN = "jobwatch.builtInLogging";

  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n";

  /** Loggers kept quieter than the root whatever JOBWATCH_LOG_LEVEL says. */
  static final Map<String, Level> QUIET_LOGGERS =
      Map.of(
          "org.apache.kafka", Level.WARN,
          "org.apache.kafka.controller", Level.ERROR,
          "kafka", Level.WARN,
          "state.change.logger", Level.WARN,
          "org.apache.zookeeper", Level.WARN,
          "io.zonky", Level.WARN,
          "org.testcontainers", Level.WARN,
          "com.github.dockerjava", Level.WARN,
          // Their DEBUG lines quote the JDBC URL masked by HikariCP's own rule, which ends a
          // password= value at # or ;, where pgjdbc reads on to the next &: the rest would show.
          "com.zaxxer.hikari.HikariConfig", Level.WARN,
          "com.zaxxer.hikari.util.DriverDataSource", Level.WARN);

  public LoggingConfigurator() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String file = System.getProperty(CONFIGURATION_FILE);
    if (file != null) {
      if (resolves(file)) {
        return ExecutionStatus.INVOKE_NEXT_IF_ANY;
      }
      // Logback would fall back to its basic setup (DEBUG, on standard output, where the CLI's
      // output goes); the built-in setup is what a missing file meant before, too.
      System.err.println(
          "jobwatch: " + CONFIGURATION_FILE + " '" + file + "' not found; built-in logging used");
    }
    configure(context, settings());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** As Logback finds the file: a URL, a class path resource, or a file. */
  static boolean resolves(String location) {
    try {
      new URL(location).openStream().close();
      return true;
    } catch (IOException | RuntimeException e) {
      // not a URL, or not one that opens: try the other two
    }
    ClassLoader loader = LoggingConfigurator.class.getClassLoader();
    return loader.getResource(location) != null || new File(location).isFile();
  }

  /** The two settings; a system property of the same name wins, as in Logback's own lookup. */
  private static Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    for (String name : List.of("JOBWATCH_LOG_FORMAT", "JOBWATCH_LOG_LEVEL")) {
      String value = System.getProperty(name, System.getenv(name));
      if (value != null) {
        settings.put(name, value);
      }
    }
    return settings;
  }

  /**
   * The CLI's publishers ({@code run}, {@code emit}, …): turns the Kafka client's loggers off in
   * the built-in setup (initialising logging if nothing has yet), unless JOBWATCH_LOG_LEVEL is
   * DEBUG or TRACE; a setup from the user's own {@code logback.configurationFile} is left as it is.
   * Called right before the producer is made, which would initialise logging anyway.
   */
  public static void quietKafkaForRun() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      quietKafkaForRun(context, settings());
    }
  }

  /** {@link #quietKafkaForRun()} on {@code context}, set up from {@code environment}. */
  static void quietKafkaForRun(LoggerContext context, Map<String, String> environment) {
    if (context.getObject(BUILT_IN) == null) {
      return;
    }
    Level asked = Level.toLevel(environment.get("JOBWATCH_LOG_LEVEL"), Level.INFO);
    if (asked.isGreaterOrEqual(Level.INFO)) {
      for (String name : QUIET_LOGGERS.keySet()) {
        if (name.equals("kafka") || name.startsWith("org.apache.kafka")) {
          context.getLogger(name).setLevel(Level.OFF);
        }
      }
    }
  }

  /** Sets up {@code context} from {@code environment} (the process environment, or a test's). */
  static void configure(LoggerContext context, Map<String, String> environment) {
    context.putObject(BUILT_IN, Boolean.TRUE);
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, environment.get("JOBWATCH_LOG_FORMAT")));
    console.start();

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(environment.get("JOBWATCH_LOG_LEVEL"), Level.INFO));
    root.addAppender(console);
    QUIET_LOGGERS.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    if ("json".equals(format)) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      // The formatted message is what a reader searches for; the raw pattern and its arguments
      // are left out.
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }
}
