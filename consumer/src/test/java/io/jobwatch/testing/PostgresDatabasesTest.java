package io.jobwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PostgresDatabasesTest {

  @Test
  @DisplayName("Naming another database keeps host, port and parameters of the JDBC URL")
  void withDatabaseKeepsHostPortAndParameters() {
    assertThat(
            PostgresDatabases.withDatabase(
                "jdbc:postgresql://db.example:6432/admin?sslmode=require&ApplicationName=ci",
                "test_1_abc"))
        .isEqualTo(
            "jdbc:postgresql://db.example:6432/test_1_abc?sslmode=require&ApplicationName=ci");
    assertThat(PostgresDatabases.withDatabase("jdbc:postgresql://localhost/postgres", "t"))
        .isEqualTo("jdbc:postgresql://localhost/t");
  }

  @Test
  @DisplayName("A URL of another driver is rejected")
  void withDatabaseRejectsOtherDrivers() {
    assertThatThrownBy(() -> PostgresDatabases.withDatabase("jdbc:mysql://h/db", "t"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
