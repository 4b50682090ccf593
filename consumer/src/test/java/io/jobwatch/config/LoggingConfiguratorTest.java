package io.jobwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** Logging set up in code from JOBWATCH_LOG_FORMAT and JOBWATCH_LOG_LEVEL (README, settings). */
class LoggingConfiguratorTest {
  private static LoggerContext configured(Map<String, String> environment) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's service provider does
    LoggingConfigurator.configure(context, environment);
    return context;
  }

  private static OutputStreamAppender<?> console(LoggerContext context) {
    return (OutputStreamAppender<?>)
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
  }

  @Test
  void defaultsAreTextAtInfoOnStandardError() {
    LoggerContext context = configured(Map.of());
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    ConsoleAppender<?> console = (ConsoleAppender<?>) console(context);
    assertThat(console.getTarget()).isEqualTo("System.err");
    assertThat(console.isStarted()).isTrue();
    assertThat(console.getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
        .isEqualTo("%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n");
  }

  @Test
  void levelIsReadCaseInsensitivelyAndChattyLoggersStayQuiet() {
    LoggerContext context = configured(Map.of("JOBWATCH_LOG_LEVEL", "debug"));
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    assertThat(
            context.getLogger("org.apache.kafka.controller.QuorumController").getEffectiveLevel())
        .isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.zonky.test.db").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.jobwatch.pipeline").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
  }

  @Test
  void jsonFormatWritesOneObjectWithTheFormattedMessage() throws Exception {
    LoggerContext context = configured(Map.of("JOBWATCH_LOG_FORMAT", "json"));
    JsonEncoder encoder = (JsonEncoder) console(context).getEncoder();
    ch.qos.logback.classic.Logger logger = context.getLogger("io.jobwatch.Test");
    LoggingEvent event =
        new LoggingEvent(
            "fqcn", logger, Level.WARN, "lag {} on {}", null, new Object[] {42, "jobs-0"});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line.strip()).doesNotContain("\n");
    var json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("loggerName").asText()).isEqualTo("io.jobwatch.Test");
    assertThat(json.get("formattedMessage").asText()).isEqualTo("lag 42 on jobs-0");
    assertThat(json.has("message")).isFalse();
    assertThat(json.has("arguments")).isFalse();
  }

  private static Configurator.ExecutionStatus withConfigurationFile(String location) {
    String previous = System.setProperty("logback.configurationFile", location);
    try {
      LoggerContext context = new LoggerContext();
      context.setMDCAdapter(new LogbackMDCAdapter());
      return new LoggingConfigurator().configure(context);
    } finally {
      if (previous == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", previous);
      }
    }
  }

  @Test
  void aConfigurationFileGivenOnTheCommandLineWinsWhenItExists(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
    assertThat(withConfigurationFile(file.toString()))
        .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(withConfigurationFile(file.toUri().toString()))
        .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    // Not there: the built-in setup, not Logback's DEBUG-on-standard-output fallback.
    assertThat(withConfigurationFile(dir.resolve("missing.xml").toString()))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    LoggerContext plain = new LoggerContext();
    plain.setMDCAdapter(new LogbackMDCAdapter());
    assertThat(new LoggingConfigurator().configure(plain))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
  }

  @Test
  void runTurnsTheKafkaClientOffUnlessDebuggingIsAskedFor() {
    LoggerContext context = configured(Map.of());
    LoggingConfigurator.quietKafkaForRun(context, Map.of());
    assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel())
        .as("jobwatch run: no Kafka WARN lines amid the command's stderr")
        .isEqualTo(Level.OFF);
    assertThat(context.getLogger("io.jobwatch.cli").getEffectiveLevel()).isEqualTo(Level.INFO);

    LoggerContext debugging = configured(Map.of("JOBWATCH_LOG_LEVEL", "DEBUG"));
    LoggingConfigurator.quietKafkaForRun(debugging, Map.of("JOBWATCH_LOG_LEVEL", "DEBUG"));
    assertThat(debugging.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel())
        .isEqualTo(Level.WARN);

    LoggerContext own = new LoggerContext(); // the user's own logback.configurationFile
    own.getLogger("org.apache.kafka").setLevel(Level.INFO);
    LoggingConfigurator.quietKafkaForRun(own, Map.of());
    assertThat(own.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.INFO);
  }
}
