package io.jobwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps how many distinct values a label that comes from events (service, runner, stage, monitor,
 * team) may take in the exported metrics, and forgets values that went quiet.
 *
 * <p>Each admitted value remembers its last activity (the latest time the database shows for it). A
 * value whose activity is older than the TTL no longer holds its place: a value with recent
 * activity takes the place of the quietest one when the label is full. A value that is refused is
 * counted once in {@code jobwatch_label_overflow_total{label}} (again after it was forgotten for a
 * TTL) and logged for the first few. Quiet values stay exported as long as there is room, so the
 * TTL changes nothing below the cap. Thread-safe (every method is synchronized: it runs on the one
 * refresh thread).
 */
public final class LabelLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(LabelLimiter.class);
  private static final int MAX_LOGGED_PER_LABEL = 20;

  private final int maxValues;
  private final Duration ttl;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Map<String, Instant>> admitted = new HashMap<>();
  private final Map<String, Map<String, Instant>> refused = new HashMap<>();
  private final Map<String, Integer> logged = new HashMap<>();

  public LabelLimiter(int maxValues, Duration ttl, MeterRegistry registry, Clock clock) {
    this.maxValues = maxValues;
    this.ttl = ttl;
    this.registry = registry;
    this.clock = clock;
    // Counted from zero, so that the first overflow is an increase Prometheus can see.
    for (String label : List.of("service", "runner", "stage", "monitor", "team")) {
      overflowCounter(label);
    }
  }

  private Counter overflowCounter(String label) {
    return Counter.builder("jobwatch.label.overflow")
        .description("Distinct label values not exported because the label reached its cap")
        .tag("label", label)
        .register(registry);
  }

  /**
   * Whether {@code value} may be exported as label {@code label}, given its latest activity ({@code
   * null} when the caller cannot tell: then it neither refreshes the value nor lets it displace
   * another).
   */
  public synchronized boolean admit(String label, String value, Instant activity) {
    if (value == null) {
      return false;
    }
    Instant now = clock.instant();
    Instant quietBefore = now.minus(ttl);
    Map<String, Instant> values = admitted.computeIfAbsent(label, l -> new HashMap<>());
    Instant known = values.get(value);
    if (known != null) {
      if (activity != null && activity.isAfter(known)) {
        values.put(value, activity);
      }
      return true;
    }
    Instant since = activity == null ? quietBefore : activity;
    if (values.size() < maxValues) {
      values.put(value, since);
      return true;
    }
    if (activity != null && !activity.isBefore(quietBefore)) {
      Optional<Map.Entry<String, Instant>> quietest =
          values.entrySet().stream()
              .filter(e -> e.getValue().isBefore(quietBefore))
              .min(Map.Entry.comparingByValue(Comparator.naturalOrder()));
      if (quietest.isPresent()) {
        String evicted = quietest.get().getKey();
        values.remove(evicted);
        values.put(value, activity);
        LOG.info(
            "label {} is full: {} (quiet since {}) makes room for {}",
            label,
            evicted,
            quietest.get().getValue(),
            value);
        return true;
      }
    }
    refuse(label, value, now, quietBefore);
    return false;
  }

  /**
   * The activity of a value whose series alert now (a stage at error or fatal, a monitor that is
   * late, down, overrun or runs too often): the present. A script that stopped running or a stage
   * that failed and then went silent is exactly what pages, so it must never be the quiet value a
   * newcomer displaces (its alert would resolve without a word); it is quiet again only from its
   * recovery on.
   */
  public Instant alertingNow() {
    return clock.instant();
  }

  /** Whether every one of several label values may be exported, all with the same activity. */
  public synchronized boolean admitAll(Instant activity, String... labelsAndValues) {
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      if (!admit(labelsAndValues[i], labelsAndValues[i + 1], activity)) {
        return false;
      }
    }
    return true;
  }

  /** Drops a value at once (a retired monitor), making room for another. */
  public synchronized void forget(String label, String value) {
    Map<String, Instant> values = admitted.get(label);
    if (values != null) {
      values.remove(value);
    }
    Map<String, Instant> dropped = refused.get(label);
    if (dropped != null) {
      dropped.remove(value);
    }
  }

  /** How many values of a label are admitted now. */
  public synchronized int admittedCount(String label) {
    Map<String, Instant> values = admitted.get(label);
    return values == null ? 0 : values.size();
  }

  private void refuse(String label, String value, Instant now, Instant quietBefore) {
    Map<String, Instant> dropped = refused.computeIfAbsent(label, l -> new HashMap<>());
    // Remembered refusals are forgotten after a TTL, so churn cannot grow this map forever.
    dropped.values().removeIf(at -> at.isBefore(quietBefore));
    if (dropped.put(value, now) != null) {
      return;
    }
    overflowCounter(label).increment();
    int count = logged.merge(label, 1, Integer::sum);
    if (count <= MAX_LOGGED_PER_LABEL) {
      LOG.warn(
          "label {} reached its cap of {} values; not exporting {}{}",
          label,
          maxValues,
          value,
          count == MAX_LOGGED_PER_LABEL ? " (further values are only counted)" : "");
    }
  }
}
