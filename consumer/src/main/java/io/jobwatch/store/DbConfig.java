package io.jobwatch.store;

import java.util.regex.Pattern;

/**
 * Where the database is. {@link #toString()} hides the password, also one written into the JDBC
 * URL, so the record can be logged. Immutable and thread-safe.
 */
public record DbConfig(String jdbcUrl, String user, String password, int poolSize) {
  // pgjdbc reads password= and sslpassword= from the URL's query (any order, & or ; separated).
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;#]*");
  // user:password@host, which some tools write although pgjdbc does not read it.
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?]*:)[^/@?]*@");

  /** {@code jdbcUrl} with the values of secret parameters and any user-info password masked. */
  public static String redact(String jdbcUrl) {
    if (jdbcUrl == null) {
      return null;
    }
    String masked = SECRET_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
    return USER_INFO.matcher(masked).replaceFirst("$1***@");
  }

  /** The URL as it may be logged or shown: {@link #redact(String) redacted}. */
  public String loggableUrl() {
    return redact(jdbcUrl);
  }

  @Override
  public String toString() {
    return "DbConfig[jdbcUrl="
        + loggableUrl()
        + ", user="
        + user
        + ", password=***, poolSize="
        + poolSize
        + "]";
  }
}
