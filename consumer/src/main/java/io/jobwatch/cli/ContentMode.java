package io.jobwatch.cli;

import io.jobwatch.core.WireName;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The CloudEvents Kafka content mode the CLI publishes in. Immutable. */
enum ContentMode implements WireName {
  /** The envelope as one JSON object in the record value (jobwatch's original form). */
  STRUCTURED,
  /** {@code ce_} headers and {@code content-type}, the data object as the value. */
  BINARY;

  /** Reads {@code structured} or {@code binary} in any case. Stateless. */
  static final class Converter implements ITypeConverter<ContentMode> {
    @Override
    public ContentMode convert(String value) {
      try {
        return WireName.parse(ContentMode.class, value.strip());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a content mode: use structured or binary");
      }
    }
  }
}
