package io.jobwatch.contract;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rough single-thread decode throughput for the job.status example; run by hand, not by the build:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt)
 * io.jobwatch.contract.DecoderThroughput}
 */
final class DecoderThroughput {
  private DecoderThroughput() {}

  public static void main(String[] args) throws Exception {
    byte[] value =
        Files.readAllBytes(Path.of("..", "schemas", "examples", "valid", "job.status.json"));
    EventDecoder decoder = new EventDecoder();
    int accepted = 0;
    for (int round = 0; round < 5; round++) {
      int count = 100_000;
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        if (decoder.decode(value) instanceof Decoded.Accepted) {
          accepted++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("round %d: %.0f events/s%n", round, count / seconds);
    }
    System.out.println("accepted " + accepted);
  }
}
