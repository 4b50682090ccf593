package io.jobwatch.testing;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Names for topics and databases that no other test or earlier run has used; thread-safe. */
final class UniqueNames {

  private static final AtomicLong COUNTER = new AtomicLong();

  private UniqueNames() {}

  /**
   * {@code prefix_<n>_<random>}, lower case: the counter keeps names readable, the random part
   * keeps them apart on servers shared with other runs.
   */
  static String next(String prefix) {
    String random = UUID.randomUUID().toString().substring(0, 8);
    return (prefix + "_" + COUNTER.incrementAndGet() + "_" + random).toLowerCase(Locale.ROOT);
  }
}
