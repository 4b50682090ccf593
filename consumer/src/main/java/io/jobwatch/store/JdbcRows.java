package io.jobwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads query results over plain JDBC. The read commands that must answer fast ({@code jobwatch
 * status}, issue 11.4) use it instead of Jdbi, whose start-up (plugins, its SQL lexer, JFR event
 * registration) costs such a command more than its queries; see docs/performance.md, "`jobwatch
 * status` without Jdbi and picocli". Stateless.
 */
public final class JdbcRows {
  /** Maps the current row of a result set; called on the reading thread only. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private JdbcRows() {}

  /** Every row of {@code sql} (a statement without parameters), mapped by {@code reader}. */
  public static <T> List<T> list(Connection connection, String sql, Reader<T> reader)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(reader.read(rs));
      }
      return rows;
    }
  }
}
