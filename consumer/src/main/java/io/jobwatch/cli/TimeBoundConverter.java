package io.jobwatch.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an instant ({@code 2026-11-22T10:00:00Z}) or a time ago ({@code 2d}, {@code 2h}, {@code
 * PT30M}).
 */
final class TimeBoundConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException notAnInstant) {
      try {
        String text = value.strip();
        if (text.matches("\\d+d")) {
          return Instant.now().minus(Duration.ofDays(Long.parseLong(text.replace("d", ""))));
        }
        return Instant.now().minus(new DurationConverter().convert(text));
      } catch (TypeConversionException notADuration) {
        throw new TypeConversionException(
            "not an instant (2026-11-22T10:00:00Z) nor a time ago (2d, 2h, 30m, PT1H): " + value);
      }
    }
  }
}
