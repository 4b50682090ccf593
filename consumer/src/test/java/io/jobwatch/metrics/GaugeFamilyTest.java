package io.jobwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GaugeFamilyTest {
  private static final List<String> STATUSES = List.of("new", "up", "late", "down", "paused");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GaugeFamily family =
      GaugeFamily.register(registry, "jobwatch.monitor.status", "Monitor status, one-hot", null);
  private final List<Map<String, Double>> scrapes = new ArrayList<>();

  /** What a scrape sees now: status to value of monitor nightly. */
  private Map<String, Double> scrape() {
    Map<String, Double> seen = new TreeMap<>();
    for (Gauge gauge : registry.find("jobwatch.monitor.status").gauges()) {
      seen.put(gauge.getId().getTag("status"), gauge.value());
    }
    return seen;
  }

  /**
   * A value whose reading by the refresh is the moment a scrape runs: the scrape lands between the
   * series the refresh has already updated and those it has not.
   */
  private final class ScrapedWhileRead extends Number {
    private final double value;

    ScrapedWhileRead(double value) {
      this.value = value;
    }

    @Override
    public double doubleValue() {
      scrapes.add(scrape());
      return value;
    }

    @Override
    public int intValue() {
      return (int) doubleValue();
    }

    @Override
    public long longValue() {
      return (long) doubleValue();
    }

    @Override
    public float floatValue() {
      return (float) doubleValue();
    }
  }

  private Map<Tags, Number> oneHot(String status, boolean scrapeDuringRead) {
    Map<Tags, Number> series = new LinkedHashMap<>();
    for (String candidate : STATUSES) {
      double value = candidate.equals(status) ? 1 : 0;
      series.put(
          Tags.of("monitor", "nightly", "team", "data", "status", candidate),
          scrapeDuringRead ? new ScrapedWhileRead(value) : value);
    }
    return series;
  }

  @Test
  @DisplayName(
      "A scrape during a refresh that moves a monitor from up to down sees exactly one status at"
          + " 1, the old one or the new one, never two or none")
  void scrapeDuringAStatusChangeSeesOneHot() {
    family.replace(oneHot("up", false));
    family.replace(oneHot("down", true));

    assertThat(scrapes).hasSize(STATUSES.size());
    for (Map<String, Double> seen : scrapes) {
      assertThat(seen).as("a scrape during the refresh").hasSize(STATUSES.size());
      assertThat(seen.values().stream().filter(v -> v == 1.0).count())
          .as("statuses at 1 in %s", seen)
          .isEqualTo(1);
    }
    Map<String, Double> after = scrape();
    assertThat(after).containsEntry("down", 1.0).containsEntry("up", 0.0);
  }

  @Test
  @DisplayName(
      "While a refresh adds and removes series, a scrape reads every registered series at a real"
          + " value: a new one at its new value, a leaving one at its last, never NaN")
  void scrapeWhileSeriesComeAndGoNeverReadsNaN() {
    List<Double> seen = new ArrayList<>();
    registry
        .config()
        .onMeterAdded(meter -> registry.getMeters().forEach(m -> seen.add(value(m))))
        .onMeterRemoved(meter -> registry.getMeters().forEach(m -> seen.add(value(m))));
    family.replace(oneHot("up", false));
    Map<Tags, Number> hourly = new LinkedHashMap<>();
    hourly.put(Tags.of("monitor", "hourly", "team", "data", "status", "down"), 1);
    family.replace(hourly);

    assertThat(seen).isNotEmpty().noneMatch(value -> value.isNaN());
    assertThat(registry.find("jobwatch.monitor.status").gauges()).hasSize(1);
  }

  @Test
  @DisplayName(
      "A refresh that swaps a monitor's status while a scrape is between two of its series waits"
          + " for that scrape: the scrape never reads the old up and the new down both at 1")
  void refreshWaitsForAScrapeInProgress() throws InterruptedException {
    family.replace(oneHot("up", false));
    Tags up = Tags.of("monitor", "nightly", "team", "data", "status", "up");
    Tags down = Tags.of("monitor", "nightly", "team", "data", "status", "down");
    Map<String, Double> seen = new TreeMap<>();
    Thread refresh = new Thread(() -> family.replace(oneHot("down", false)));

    Scrapes.read(
        () -> {
          seen.put("up", registry.get("jobwatch.monitor.status").tags(up).gauge().value());
          refresh.start();
          // The refresh is either queued behind this scrape or (without the exclusion) done.
          long until = System.nanoTime() + 30_000_000_000L;
          while (!Scrapes.changeWaiting() && refresh.isAlive() && System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          seen.put("down", registry.get("jobwatch.monitor.status").tags(down).gauge().value());
          return null;
        });
    refresh.join(30_000);

    assertThat(seen).as("one scrape").containsEntry("up", 1.0).containsEntry("down", 0.0);
    assertThat(scrape()).containsEntry("up", 0.0).containsEntry("down", 1.0);
  }

  private static double value(io.micrometer.core.instrument.Meter meter) {
    return meter.measure().iterator().next().getValue();
  }
}
