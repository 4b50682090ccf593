package io.jobwatch.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's deployment files from a test run; stateless, safe to share. */
final class DeployFiles {

  private DeployFiles() {}

  /**
   * The repository root: the nearest directory above the working directory that holds the Maven
   * wrapper, so the tests work whether Maven runs them from the root or from {@code consumer/}.
   */
  static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("consumer"))) {
        return dir;
      }
    }
    throw new IllegalStateException("No repository root (a directory with mvnw) above " + start);
  }

  /** A test resource of this package, as a path. */
  static Path testResource(String name) {
    Path path = repositoryRoot().resolve("consumer/src/test/resources/deploy").resolve(name);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("Missing test resource " + path);
    }
    return path;
  }
}
