package io.jobwatch.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates databases on a PostgreSQL server this JVM does not own; stateless, thread-safe. */
final class PostgresDatabases {

  private PostgresDatabases() {}

  /** Creates a new database through {@code admin} and returns where to reach it. */
  static Database create(Database admin, String name) {
    try (Connection connection =
            DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
        Statement statement = connection.createStatement()) {
      // An identifier cannot be a bind parameter; UniqueNames makes only [a-z0-9_] names.
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not create database " + name + " via " + admin.jdbcUrl(), e);
    }
    return new Database(withDatabase(admin.jdbcUrl(), name), admin.user(), admin.password());
  }

  /** The same JDBC URL (host, port, parameters) naming another database. */
  static String withDatabase(String jdbcUrl, String database) {
    String prefix = "jdbc:";
    if (!jdbcUrl.startsWith(prefix + "postgresql://")) {
      throw new IllegalArgumentException("Not a jdbc:postgresql:// URL: " + jdbcUrl);
    }
    URI uri = URI.create(jdbcUrl.substring(prefix.length()));
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return prefix + uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database + query;
  }
}
