package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jobwatch.JobwatchException;
import java.io.PrintWriter;

/**
 * The read commands' JSON: snake_case names and ISO-8601 times, the stable interface for scripts.
 * Thread-safe.
 */
final class CliJson {
  /** Built on first use: a command printing a table never loads Jackson's serializers. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
  }

  private CliJson() {}

  static void print(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new JobwatchException("could not write " + value.getClass().getSimpleName(), e);
    }
  }
}
