package io.jobwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps how many distinct values a label that comes from events (service, runner, stage, monitor,
 * team) may take in the exported metrics. The first values seen are admitted and stay admitted; a
 * value beyond the cap is never exported: it is counted in {@code
 * jobwatch_label_overflow_total{label}} and logged once. Thread-safe.
 */
public final class LabelLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(LabelLimiter.class);
  private static final int MAX_LOGGED_PER_LABEL = 20;

  private final int maxValues;
  private final MeterRegistry registry;
  private final Map<String, Set<String>> admitted = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> refused = new ConcurrentHashMap<>();

  public LabelLimiter(int maxValues, MeterRegistry registry) {
    this.maxValues = maxValues;
    this.registry = registry;
  }

  /** Whether {@code value} may be exported as label {@code label}. */
  public boolean admit(String label, String value) {
    if (value == null) {
      return false;
    }
    Set<String> values = admitted.computeIfAbsent(label, l -> ConcurrentHashMap.newKeySet());
    if (values.contains(value)) {
      return true;
    }
    synchronized (values) {
      if (values.size() < maxValues) {
        values.add(value);
        return true;
      }
    }
    Set<String> dropped = refused.computeIfAbsent(label, l -> ConcurrentHashMap.newKeySet());
    if (dropped.add(value)) {
      Counter.builder("jobwatch.label.overflow")
          .description("Distinct label values not exported because the label reached its cap")
          .tag("label", label)
          .register(registry)
          .increment();
      if (dropped.size() <= MAX_LOGGED_PER_LABEL) {
        LOG.warn(
            "label {} reached its cap of {} values; not exporting {}{}",
            label,
            maxValues,
            value,
            dropped.size() == MAX_LOGGED_PER_LABEL ? " (further values are only counted)" : "");
      }
    }
    return false;
  }

  /** Whether every one of several label values may be exported. */
  public boolean admitAll(String... labelsAndValues) {
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      if (!admit(labelsAndValues[i], labelsAndValues[i + 1])) {
        return false;
      }
    }
    return true;
  }
}
