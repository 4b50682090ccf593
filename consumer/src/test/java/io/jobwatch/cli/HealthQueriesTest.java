package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthQueriesTest {
  @Test
  @DisplayName(
      "A connection lost during the status snapshot fails with its cause, not with the clean-up's"
          + " 'connection closed'")
  void lostConnectionKeepsItsCause() {
    AtomicBoolean broken = new AtomicBoolean();
    // A connection that the server ends at the first query; every later call says it is closed,
    // as pgjdbc's does.
    Connection connection =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (broken.get()) {
                    throw new SQLException("This connection has been closed.", "08003");
                  }
                  switch (method.getName()) {
                    case "getAutoCommit":
                      return true;
                    case "getTransactionIsolation":
                      return Connection.TRANSACTION_READ_COMMITTED;
                    case "setAutoCommit", "setTransactionIsolation":
                      return null;
                    case "prepareStatement", "createStatement":
                      broken.set(true);
                      throw new SQLException(
                          "FATAL: terminating connection due to administrator command", "57P01");
                    default:
                      throw new UnsupportedOperationException(method.getName());
                  }
                });

    assertThatThrownBy(() -> HealthQueries.status(connection, Instant.now()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("terminating connection");
  }
}
