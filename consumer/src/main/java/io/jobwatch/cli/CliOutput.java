package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Shared output helpers of the read commands: JSON with snake_case names and ISO-8601 times (the
 * stable interface for scripts), readable times for people, and the database handle. Thread-safe.
 */
final class CliOutput {
  /** Built on first use: a command printing a table never loads Jackson's serializers. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
  }

  private CliOutput() {}

  static void printJson(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new JobwatchException("could not write " + value.getClass().getSimpleName(), e);
    }
  }

  /** {@code 2026-11-22T10:00:00Z (3m ago)}, or {@code -}. */
  static String when(Instant at, Instant now) {
    if (at == null) {
      return "-";
    }
    return at.truncatedTo(ChronoUnit.SECONDS) + " (" + relative(at, now) + ")";
  }

  static String relative(Instant at, Instant now) {
    Duration between = Duration.between(at, now);
    boolean future = between.isNegative();
    long seconds = Math.abs(between.getSeconds());
    String amount;
    if (seconds < 120) {
      amount = seconds + "s";
    } else if (seconds < 7200) {
      amount = seconds / 60 + "m";
    } else if (seconds < 172_800) {
      amount = seconds / 3600 + "h";
    } else {
      amount = seconds / 86_400 + "d";
    }
    return future ? "in " + amount : amount + " ago";
  }

  /** A Jdbi for the configured database; without a pool, since a command makes a few queries. */
  static Jdbi jdbi(Settings settings) {
    Jdbi jdbi =
        Jdbi.create(settings.db().jdbcUrl(), settings.db().user(), settings.db().password())
            .installPlugin(new PostgresPlugin());
    Database.useBinaryArrays(jdbi);
    return jdbi;
  }
}
