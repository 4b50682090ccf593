package io.jobwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Directories for embedded servers' data. Stateless and thread-safe. */
public final class ServerDirectories {
  private ServerDirectories() {}

  /**
   * A new temporary directory that every user may enter: PostgreSQL runs as user nobody when the
   * JVM runs as root, and must reach its data directory below this one.
   */
  public static Path createWorldSearchable(String prefix) {
    try {
      return Files.createTempDirectory(
          prefix,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for the embedded servers", e);
    }
  }
}
