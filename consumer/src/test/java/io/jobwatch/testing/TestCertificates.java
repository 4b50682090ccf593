package io.jobwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1 signed by it, made with
 * the {@code openssl} command in a directory of their own; immutable once made, thread-safe.
 */
public final class TestCertificates {
  private final Path directory;

  private TestCertificates(Path directory) {
    this.directory = directory;
  }

  /**
   * Makes a CA ({@code ca.crt}) and a server certificate ({@code server.crt}, key {@code
   * server.key}, unencrypted PKCS#8) valid for IP 127.0.0.1 and DNS localhost, in {@code
   * directory}.
   */
  public static TestCertificates create(Path directory, String name) {
    try {
      Files.createDirectories(directory);
      Path extensions = directory.resolve("server.ext");
      Files.writeString(
          extensions,
          String.join(
              "\n",
              "basicConstraints=CA:FALSE",
              "keyUsage=digitalSignature,keyEncipherment",
              "extendedKeyUsage=serverAuth",
              "subjectAltName=IP:127.0.0.1,DNS:localhost",
              ""));
      openssl(
          directory,
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-subj",
          "/CN=" + name + " test CA",
          "-keyout",
          "ca.key",
          "-out",
          "ca.crt");
      openssl(
          directory,
          "req",
          "-new",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-subj",
          "/CN=127.0.0.1",
          "-keyout",
          "server.key",
          "-out",
          "server.csr");
      openssl(
          directory,
          "x509",
          "-req",
          "-in",
          "server.csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-days",
          "2",
          "-extfile",
          "server.ext",
          "-out",
          "server.crt");
      return new TestCertificates(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not make test certificates in " + directory, e);
    }
  }

  /** The CA certificate (PEM file): what clients trust. */
  public Path caCertificate() {
    return directory.resolve("ca.crt");
  }

  /** The server certificate, PEM text. */
  public String serverCertificatePem() {
    return read("server.crt");
  }

  /** The server's private key, unencrypted PKCS#8 PEM text. */
  public String serverKeyPem() {
    return read("server.key");
  }

  private String read(String file) {
    try {
      return Files.readString(directory.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
  }

  private static void openssl(Path directory, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running openssl", e);
    }
  }
}
