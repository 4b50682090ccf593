package io.jobwatch.store;

/**
 * Where the database is. {@link #toString()} hides the password so the record can be logged.
 * Immutable and thread-safe.
 */
public record DbConfig(String jdbcUrl, String user, String password, int poolSize) {
  @Override
  public String toString() {
    return "DbConfig[jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", password=***, poolSize="
        + poolSize
        + "]";
  }
}
