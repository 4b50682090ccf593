package io.jobwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A fold conflict is handled as a fenced batch (rolled back, cache dropped, partitions re-read from
 * their stored offsets), never as a record's fault: the consumer catches {@link FencedException}
 * before it looks for a record to dead-letter.
 */
class FoldConflictExceptionTest {
  @Test
  @DisplayName("A fold conflict is a FencedException that names the job")
  void isFenced() {
    RuntimeException conflict = new FoldConflictException(Set.of("J1"));

    assertThat(conflict).isInstanceOf(FencedException.class);
    assertThat(conflict.getMessage()).contains("job J1").contains("stored offsets");
    assertThat(((FoldConflictException) conflict).jobIds()).containsExactly("J1");
  }

  @Test
  @DisplayName("A conflict over several jobs names how many and the first by id")
  void namesTheFirstOfSeveral() {
    FoldConflictException conflict = new FoldConflictException(Set.of("b", "a", "c"));

    assertThat(conflict.getMessage()).contains("3 jobs, first a");
  }
}
