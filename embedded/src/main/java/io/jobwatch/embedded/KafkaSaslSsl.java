package io.jobwatch.embedded;

/**
 * An extra SASL_SSL listener for an {@link EmbeddedKafka}: the broker's TLS identity as PEM text
 * (certificate chain, unencrypted PKCS#8 key) and one SCRAM-SHA-512 user created when the storage
 * is formatted. Immutable, thread-safe. {@link #toString()} hides the key and the password.
 */
public record KafkaSaslSsl(
    String certificateChainPem, String privateKeyPem, String scramUser, String scramPassword) {

  /** The only mechanism the listener enables. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  public KafkaSaslSsl {
    if (!scramUser.matches("[A-Za-z0-9_.-]+") || !scramPassword.matches("[A-Za-z0-9_.-]+")) {
      // The storage formatter's SCRAM argument syntax has no quoting for ',', ']' or '='.
      throw new IllegalArgumentException("SCRAM user and password must match [A-Za-z0-9_.-]+");
    }
  }

  /** The storage formatter's {@code --add-scram} argument for the user. */
  String scramArgument() {
    return MECHANISM + "=[name=" + scramUser + ",password=" + scramPassword + "]";
  }

  @Override
  public String toString() {
    return "KafkaSaslSsl[scramUser=" + scramUser + ", key and password hidden]";
  }
}
