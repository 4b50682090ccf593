package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JvmProbeTest {
  @Test
  @DisplayName("A thread's CPU ticks are utime + stime, fields 14 and 15, whatever its name holds")
  void readsUserAndSystemTicksAfterTheName() {
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime ...; the name may hold spaces and parentheses.
    String stat =
        "4242 (C2 Compiler) x) S 4200 4200 4200 0 -1 1077936192 120 0 3 0 1534 87 0 0 20 0 1 0"
            + " 1234 0 0\n";

    assertThat(JvmProbe.userPlusSystemTicks(stat)).isEqualTo(1534 + 87);
  }

  @Test
  @DisplayName("This JVM's compiler threads are found and their CPU is part of the process's")
  void compilerThreadsOfThisJvm() {
    long jit = JvmProbe.jitCpuNanos();

    // The tests so far ran long enough to be compiled: at least one 10 ms tick of compiling.
    assertThat(jit).isPositive().isLessThanOrEqualTo(JvmProbe.cpuNanos());
  }
}
