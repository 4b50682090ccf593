package io.jobwatch.store;

import java.lang.reflect.Type;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Issue 12: the column arrays of the bulk statements ({@link Columns}) go to pgjdbc as Java arrays
 * ({@code setObject}), which sends them in PostgreSQL's binary array format: each element
 * length-prefixed, no array literal to build and no quotes to escape (Jdbi's default builds a text
 * literal through {@code createArrayOf}, escaping every quote of a fold state's JSON). jobwatch
 * only reads such parameters with {@code unnest} and {@code = ANY}, which do not depend on the
 * array's bounds; never store one as it is or index it with a literal subscript. Stateless and
 * thread-safe.
 */
final class BinaryArrays implements ArgumentFactory.Preparable {
  private static final Set<Type> ARRAYS =
      Set.of(String[].class, Long[].class, Integer[].class, Boolean[].class);

  @Override
  public Optional<Function<Object, Argument>> prepare(Type type, ConfigRegistry config) {
    if (!ARRAYS.contains(type)) {
      return Optional.empty();
    }
    return Optional.of(
        value -> (position, statement, context) -> statement.setObject(position, value));
  }
}
