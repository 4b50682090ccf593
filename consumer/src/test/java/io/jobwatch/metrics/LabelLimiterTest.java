package io.jobwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LabelLimiterTest {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Duration TTL = Duration.ofHours(24);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MutableClock clock = new MutableClock(T0);

  private LabelLimiter limiter(int cap) {
    return new LabelLimiter(cap, TTL, registry, clock);
  }

  private double overflow(String label) {
    Counter counter = registry.find("jobwatch.label.overflow").tag("label", label).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("Below the cap a value quiet for longer than the TTL stays exported")
  void quietValuesStayBelowTheCap() {
    LabelLimiter labels = limiter(3);
    assertThat(labels.admit("service", "old", T0)).isTrue();
    clock.advance(Duration.ofDays(30));
    assertThat(labels.admit("service", "old", T0)).isTrue();
    assertThat(labels.admit("service", "new", clock.instant())).isTrue();
    assertThat(overflow("service")).isZero();
  }

  @Test
  @DisplayName("A full label with only active values refuses a newcomer and counts it once")
  void fullOfActiveValuesRefusesAndCountsOnce() {
    LabelLimiter labels = limiter(2);
    assertThat(labels.admit("service", "a", T0)).isTrue();
    assertThat(labels.admit("service", "b", T0)).isTrue();
    clock.advance(Duration.ofHours(23));
    for (int refresh = 0; refresh < 5; refresh++) {
      assertThat(labels.admit("service", "c", clock.instant())).isFalse();
    }
    assertThat(overflow("service")).isEqualTo(1.0);
    assertThat(labels.admit("service", "a", T0)).isTrue();
  }

  @Test
  @DisplayName(
      "A new service takes the place of the one quiet for longest once it passed the TTL; the"
          + " evicted one stays out while the label is full")
  void newcomerDisplacesTheQuietest() {
    LabelLimiter labels = limiter(3);
    labels.admit("service", "a", T0);
    labels.admit("service", "b", T0.plus(Duration.ofHours(1)));
    labels.admit("service", "c", T0.plus(Duration.ofHours(30)));
    clock.advance(Duration.ofHours(30));

    assertThat(labels.admit("service", "d", clock.instant())).isTrue();
    assertThat(labels.admit("service", "a", T0)).as("evicted and still quiet").isFalse();
    assertThat(labels.admit("service", "b", T0.plus(Duration.ofHours(1)))).isTrue();
    assertThat(labels.admit("service", "c", T0)).isTrue();
    assertThat(overflow("service")).isEqualTo(1.0);

    assertThat(labels.admit("service", "e", clock.instant())).as("b is quiet too").isTrue();
    assertThat(labels.admit("service", "b", T0.plus(Duration.ofHours(1)))).isFalse();
    assertThat(labels.admit("service", "f", clock.instant()))
        .as("c, d and e are all active")
        .isFalse();
    assertThat(labels.admittedCount("service")).isEqualTo(3);
  }

  @Test
  @DisplayName("A value with new activity is fresh again and keeps its place")
  void newActivityRefreshes() {
    LabelLimiter labels = limiter(1);
    labels.admit("service", "a", T0);
    clock.advance(Duration.ofHours(30));
    assertThat(labels.admit("service", "a", clock.instant())).isTrue();
    assertThat(labels.admit("service", "b", clock.instant())).isFalse();
  }

  @Test
  @DisplayName("A forgotten (retired) value makes room at once, without waiting for the TTL")
  void forgetMakesRoomAtOnce() {
    LabelLimiter labels = limiter(1);
    labels.admit("monitor", "nightly", T0);
    assertThat(labels.admit("monitor", "hourly", T0)).isFalse();
    labels.forget("monitor", "nightly");
    assertThat(labels.admit("monitor", "hourly", T0)).isTrue();
    assertThat(labels.admittedCount("monitor")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "Churning services over 60 days (5 new ones a day, cap 10): every service active today is"
          + " exported, although 300 were seen in all")
  void churningServices() {
    LabelLimiter labels = limiter(10);
    List<String> seen = new ArrayList<>();
    for (int day = 0; day < 60; day++) {
      List<String> today = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        today.add("svc-" + day + "-" + i);
      }
      seen.addAll(today);
      Instant now = clock.instant();
      // One refresh a day offers every service the database knows, each with its last activity.
      for (String service : seen) {
        boolean active = today.contains(service);
        Instant activity = active ? now : activityOf(service);
        boolean admitted = labels.admit("service", service, activity);
        if (active) {
          assertThat(admitted).as("%s on day %d", service, day).isTrue();
        }
      }
      assertThat(labels.admittedCount("service")).isLessThanOrEqualTo(10);
      clock.advance(Duration.ofDays(1));
    }
    // Each service older than the cap's worth of days was refused once when it lost its place.
    assertThat(overflow("service")).isGreaterThan(0).isLessThanOrEqualTo(300);
  }

  private static Instant activityOf(String service) {
    int day = Integer.parseInt(service.split("-")[1]);
    return T0.plus(Duration.ofDays(day));
  }
}
