package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.JobEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private final EventDecoder decoder = new EventDecoder();

  @Test
  @DisplayName("Every record the generator calls valid passes the contract, and every poison fails")
  void validRecordsPassTheContractAndPoisonFails() {
    List<WorkloadRecord> records = new ArrayList<>();
    WorkloadStats stats = new Workload(WorkloadSpec.of(30_000, 7)).generate(records::add);

    Set<String> jobs = new HashSet<>();
    long rejected = 0;
    for (WorkloadRecord record : records) {
      Decoded decoded = decoder.decode(record.value());
      if (decoded instanceof Decoded.Rejected rejection) {
        assertThat(record.poison()).as("rejected %s: %s", record, rejection.reason()).isTrue();
        rejected++;
      } else {
        assertThat(record.poison()).as("accepted poison %s", record).isFalse();
        if (((Decoded.Accepted) decoded).event() instanceof JobEvent job) {
          jobs.add(job.jobId());
        }
      }
    }
    assertThat(records).hasSize(30_000);
    assertThat(stats.records()).isEqualTo(30_000);
    assertThat(rejected).isEqualTo(stats.poison()).isPositive();
    assertThat(stats.jobs()).isEqualTo(jobs.size());
    assertThat(stats.duplicates()).isBetween(150L, 600L);
  }

  @Test
  @DisplayName("The same seed yields the same records, another seed other ones")
  void generationIsDeterministic() {
    List<String> first = new ArrayList<>();
    List<String> again = new ArrayList<>();
    List<String> other = new ArrayList<>();
    new Workload(WorkloadSpec.of(2_000, 1)).generate(r -> first.add(new String(r.value())));
    new Workload(WorkloadSpec.of(2_000, 1)).generate(r -> again.add(new String(r.value())));
    new Workload(WorkloadSpec.of(2_000, 2)).generate(r -> other.add(new String(r.value())));
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  @DisplayName("Jobs have between 3 and 8 lifecycle events, and some arrive out of order")
  void jobsHaveThreeToEightEventsSomeOutOfOrder() {
    List<WorkloadRecord> records = new ArrayList<>();
    new Workload(WorkloadSpec.of(20_000, 3)).generate(records::add);
    java.util.Map<String, Integer> perJob = new java.util.HashMap<>();
    java.util.Map<String, java.time.Instant> latest = new java.util.HashMap<>();
    int outOfOrder = 0;
    for (WorkloadRecord record : records) {
      if (record.lifecycle() && record.key().startsWith("job-") && !record.poison()) {
        if (!record.duplicate()) {
          perJob.merge(record.key(), 1, Integer::sum);
        }
        java.time.Instant seen = latest.get(record.key());
        if (seen != null && record.time().isBefore(seen)) {
          outOfOrder++;
        } else {
          latest.put(record.key(), record.time());
        }
      }
    }
    // The last window is cut at exactly 20,000 records, so its jobs may be incomplete.
    long complete = perJob.values().stream().filter(n -> n >= 3 && n <= 8).count();
    assertThat(complete).isGreaterThan(perJob.size() * 9L / 10);
    assertThat(perJob.values()).allMatch(n -> n <= 8);
    assertThat(outOfOrder).isPositive();
  }
}
