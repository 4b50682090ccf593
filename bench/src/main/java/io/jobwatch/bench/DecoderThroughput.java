package io.jobwatch.bench;

import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.DecoderLimits;
import io.jobwatch.contract.EventDecoder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-thread decode throughput of both validation paths on the benchmark's workload records (all
 * types, with its poison records); run by hand, not by the build:
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package
 * java -cp bench/target/jobwatch-bench.jar io.jobwatch.bench.DecoderThroughput \
 *     [records] [rounds] [schema-first]
 * </pre>
 *
 * Warm-up rounds are reported apart. Each round decodes every record once; the rate is per CPU
 * second of the decoding thread (and per wall second), so other processes on a shared machine
 * disturb it less.
 */
public final class DecoderThroughput {
  private DecoderThroughput() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<byte[]> values = new ArrayList<>();
    new Workload(WorkloadSpec.of(count, 7)).generate(record -> values.add(value(record)));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<EventDecoder.Validation> order =
        new ArrayList<>(List.of(EventDecoder.Validation.values()));
    if (args.length > 2 && args[2].equals("schema-first")) {
      java.util.Collections.reverse(order);
    }
    for (EventDecoder.Validation validation : order) {
      EventDecoder decoder = new EventDecoder(DecoderLimits.defaults(), validation);
      for (int round = 0; round < 2 * rounds; round++) {
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        int accepted = 0;
        for (byte[] value : values) {
          if (decoder.decode(value) instanceof Decoded.Accepted) {
            accepted++;
          }
        }
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        double wallSeconds = (System.nanoTime() - wall) / 1e9;
        System.out.printf(
            "%-9s %-7s round %d: %,9.0f records/CPU-s %,9.0f records/s (%d of %d accepted)%n",
            validation,
            round < rounds ? "warm-up" : "measure",
            round,
            values.size() / cpuSeconds,
            values.size() / wallSeconds,
            accepted,
            values.size());
      }
    }
  }

  private static byte[] value(WorkloadRecord record) {
    return record.value();
  }
}
