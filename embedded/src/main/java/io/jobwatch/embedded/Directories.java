package io.jobwatch.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** File-tree helpers for the embedded servers' data directories; stateless, thread-safe. */
public final class Directories {

  private Directories() {}

  /** Deletes {@code root} and everything below it; does nothing if it does not exist. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> deepestFirst;
    try (Stream<Path> tree = Files.walk(root)) {
      deepestFirst = tree.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
    }
    for (Path path : deepestFirst) {
      Files.deleteIfExists(path);
    }
  }
}
