package io.jobwatch.embedded;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/** Formats a KRaft log directory once, as {@code kafka-storage.sh format} does; stateless. */
final class KafkaStorageFormatter {

  private KafkaStorageFormatter() {}

  /** Formats {@code settings.logDir()} unless it already holds a formatted node. */
  static void formatIfNeeded(KafkaBrokerSettings settings) {
    Path logDir = settings.logDir().toAbsolutePath();
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(logDir);
      Formatter formatter = new Formatter();
      if (settings.saslSsl() != null) {
        formatter.setScramArguments(List.of(settings.saslSsl().scramArgument()));
      }
      formatter
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setNodeId(KafkaBrokerSettings.NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setControllerListenerName(KafkaBrokerSettings.CONTROLLER_LISTENER)
          .setMetadataLogDirectory(logDir.toString())
          .addDirectory(logDir.toString())
          .run();
    } catch (Exception e) { // Formatter.run() declares Exception
      throw new EmbeddedServerException("Could not format the Kafka log directory " + logDir, e);
    }
  }
}
