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
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Shared output helpers of the read commands: JSON with snake_case names and ISO-8601 times (the
 * stable interface for scripts) and the database handle; readable times are {@link CliTimes}'s.
 * Thread-safe.
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

  /** A Jdbi for the configured database; without a pool, since a command makes a few queries. */
  static Jdbi jdbi(Settings settings) {
    Jdbi jdbi =
        Jdbi.create(settings.db().jdbcUrl(), settings.db().user(), settings.db().password())
            .installPlugin(new PostgresPlugin());
    Database.useBinaryArrays(jdbi);
    return jdbi;
  }
}
