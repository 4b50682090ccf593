package io.jobwatch.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM-wide {@link Infra}: started on first use, kept in the root store so every test
 * class reuses it, and closed by JUnit when the whole run ends. A {@link FaultTest} gets an infra
 * that can stop and start its servers: the shared one if it can, else embedded servers of its own
 * (also started once per JVM). Stateless, thread-safe.
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
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    SharedInfra shared =
        store.getOrComputeIfAbsent(
            SharedInfra.class, key -> InfraSelector.start(), SharedInfra.class);
    if (!isFaultTest(context) || canControl(shared)) {
      return shared;
    }
    return store.getOrComputeIfAbsent(
        FaultTest.class, key -> InfraSelector.startControllable(), SharedInfra.class);
  }

  private static boolean isFaultTest(ExtensionContext context) {
    return context
        .getTestMethod()
        .map(method -> method.isAnnotationPresent(FaultTest.class))
        .orElse(false);
  }

  static boolean canControl(Infra infra) {
    return infra.canControlDatabase() && infra.canControlBroker();
  }
}
