package io.jobwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobFoldState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fold-state cache is bounded in (estimated) bytes, least recently used out first. */
class HistoryCacheTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  private static JobFoldState state(String jobId, int heartbeats) {
    List<JobEvent> events = new ArrayList<>();
    events.add(
        new JobEvent(
            jobId + "-s", T, jobId, "svc", new JobChange.Submitted(null, null, null, null, null)));
    events.add(
        new JobEvent(
            jobId + "-r", T, jobId, null, new JobChange.Started("slurm", 1, "node", null)));
    for (int i = 0; i < heartbeats; i++) {
      events.add(
          new JobEvent(
              jobId + "-h" + i,
              T.plusSeconds(i + 1),
              jobId,
              null,
              new JobChange.Status(1, null, null, "working", null)));
    }
    return JobFold.foldAll(jobId, events).state();
  }

  @Test
  @DisplayName("An entry's estimate does not grow with the events folded")
  void estimateDoesNotGrowWithEvents() {
    assertThat(HistoryCache.estimatedBytes(state("a", 10_000)))
        .isEqualTo(HistoryCache.estimatedBytes(state("b", 10)));
  }

  @Test
  @DisplayName("Beyond its bytes the cache drops the least recently used states")
  void boundedInBytes() {
    long each = HistoryCache.estimatedBytes(state("job-0", 1));
    HistoryCache cache = new HistoryCache(3 * each);
    cache.putAll(Map.of("job-0", state("job-0", 1)), Map.of());
    cache.putAll(Map.of("job-1", state("job-1", 1)), Map.of());
    cache.putAll(Map.of("job-2", state("job-2", 1)), Map.of());
    assertThat(cache.get("job-0")).isNotNull(); // now the most recently used
    cache.putAll(Map.of("job-3", state("job-3", 1)), Map.of());

    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.bytes()).isLessThanOrEqualTo(3 * each);
    assertThat(cache.get("job-1")).isNull();
    assertThat(cache.get("job-0")).isNotNull();
    assertThat(HistoryCache.disabled().size()).isZero();
  }
}
