package io.jobwatch.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM-wide {@link Infra}: started on first use, kept in the root store so every test
 * class reuses it, and closed by JUnit when the whole run ends; stateless, thread-safe.
 */
public final class InfraExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(InfraExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Infra.class;
  }

  @Override
  public Infra resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The root store outlives all test classes; JUnit closes AutoCloseable values at the end.
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedInfra.class, key -> InfraSelector.start(), SharedInfra.class);
  }
}
