package io.jobwatch.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Lets the embedded PostgreSQL run when this JVM runs as root (CI containers, dev boxes), which
 * {@code initdb} and {@code postgres} refuse: prepares the binaries so that {@code initdb} and
 * {@code pg_ctl} drop to user {@code nobody}, who then owns the data directory; thread-safe.
 *
 * <p>It unpacks zonky's bundled archive where zonky's {@code EmbeddedPostgres} looks for it ({@code
 * <working dir>/PG-<md5 of the archive>/} with a {@code .exists} marker), so zonky reuses the
 * prepared copy instead of unpacking its own.
 */
final class UnprivilegedPostgresBinaries {

  private static final String UNPRIVILEGED_ID = "65534"; // nobody / nogroup
  private static final Set<PosixFilePermission> READABLE_BY_ALL =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final String WRAPPER =
      String.join(
          "\n",
          "#!/bin/sh",
          "# Written by jobwatch's UnprivilegedPostgresBinaries: PostgreSQL refuses to run as root,",
          "# so run the real program as nobody, who must then own the data directory (-D).",
          "real=\"$0.real\"",
          "data=\"\"",
          "previous=\"\"",
          "for argument in \"$@\"; do",
          "  if [ \"$previous\" = \"-D\" ]; then data=\"$argument\"; fi",
          "  previous=\"$argument\"",
          "done",
          "if [ \"$(id -u)\" = \"0\" ]; then",
          "  if [ -n \"$data\" ]; then",
          "    chown -R " + UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID + " \"$data\" || exit 1",
          "    chmod 700 \"$data\" || exit 1",
          "  fi",
          "  exec setpriv --reuid="
              + UNPRIVILEGED_ID
              + " --regid="
              + UNPRIVILEGED_ID
              + " --clear-groups \"$real\" \"$@\"",
          "fi",
          "exec \"$real\" \"$@\"",
          "");

  private UnprivilegedPostgresBinaries() {}

  /** True when this process runs with user id 0, where PostgreSQL will not start unaided. */
  static boolean runningAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Prepares (once) the wrapped binaries below a fresh working directory and returns it. */
  static synchronized Path prepareWorkingDirectory() {
    Path workingDirectory =
        Path.of(System.getProperty("java.io.tmpdir"), "jobwatch-embedded-pg-unprivileged");
    try {
      Files.createDirectories(workingDirectory);
      Files.setPosixFilePermissions(workingDirectory, READABLE_BY_ALL);
      Path archive = Files.createTempFile(workingDirectory, "postgres-", ".txz");
      try {
        String digest = copyWithMd5(archive);
        Path pgDir = workingDirectory.resolve("PG-" + digest);
        if (!Files.exists(pgDir.resolve(".exists"))) {
          unpackAndWrap(archive, pgDir);
        }
      } finally {
        Files.deleteIfExists(archive);
      }
      return workingDirectory;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare PostgreSQL binaries for root", e);
    }
  }

  /** Fails with a clear message when user nobody could not reach {@code dataDir}. */
  static void requireReachable(Path dataDir) {
    for (Path dir = dataDir.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new EmbeddedServerException(
              "PostgreSQL runs as user nobody (this JVM is root), but nobody cannot enter "
                  + dir
                  + "; put the data directory below a world-searchable directory (chmod o+x)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read permissions of " + dir, e);
      }
    }
  }

  private static String copyWithMd5(Path target) throws IOException {
    try (InputStream bundled = openBundledArchive()) {
      DigestInputStream digesting =
          new DigestInputStream(bundled, MessageDigest.getInstance("MD5"));
      try (OutputStream out = Files.newOutputStream(target)) {
        digesting.transferTo(out);
      }
      return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no MD5", e);
    }
  }

  private static InputStream openBundledArchive() throws IOException {
    String arch = System.getProperty("os.arch");
    InputStream archive =
        DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(
            "Linux", "amd64".equals(arch) ? "x86_64" : arch);
    if (archive == null) {
      throw new EmbeddedServerException("No bundled PostgreSQL binaries for Linux " + arch);
    }
    return archive;
  }

  private static void unpackAndWrap(Path archive, Path pgDir) throws IOException {
    Path unpacking = Files.createTempDirectory(pgDir.getParent(), "unpacking-");
    run("tar", "-xJf", archive.toString(), "-C", unpacking.toString());
    for (String program : new String[] {"initdb", "pg_ctl"}) {
      Path binary = unpacking.resolve("bin").resolve(program);
      Files.move(binary, binary.resolveSibling(program + ".real"));
      Files.writeString(binary, WRAPPER, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(binary, READABLE_BY_ALL);
    }
    run("chmod", "-R", "a+rX", unpacking.toString());
    Files.setPosixFilePermissions(unpacking, READABLE_BY_ALL);
    Files.createFile(unpacking.resolve(".exists"));
    try {
      Files.move(unpacking, pgDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherJvmWasFaster) {
      Directories.deleteRecursively(unpacking);
    }
  }

  private static void run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new EmbeddedServerException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException("Interrupted while running " + command[0], e);
    }
  }
}
