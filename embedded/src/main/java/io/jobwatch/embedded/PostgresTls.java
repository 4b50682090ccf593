package io.jobwatch.embedded;

/**
 * TLS for an {@link EmbeddedDatabase}: the server's certificate and unencrypted key as PEM text. A
 * server started with it accepts TCP connections only over TLS: the superuser without a password,
 * every other role with its SCRAM password. Immutable, thread-safe; {@link #toString()} hides the
 * key.
 */
public record PostgresTls(String certificatePem, String privateKeyPem) {

  static final String CERTIFICATE_FILE = "server.crt";
  static final String KEY_FILE = "server.key";

  /** pg_hba.conf: TLS or nothing over TCP; rules match top down. */
  static final String HBA =
      String.join(
          "\n",
          "# Written by jobwatch's EmbeddedDatabase with PostgresTls: TLS or nothing over TCP.",
          "local     all  all       trust",
          "hostssl   all  postgres  127.0.0.1/32  trust",
          "hostssl   all  all       127.0.0.1/32  scram-sha-256",
          "hostnossl all  all       0.0.0.0/0     reject",
          "hostnossl all  all       ::/0          reject",
          "");

  @Override
  public String toString() {
    return "PostgresTls[key hidden]";
  }
}
