package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's file (docs/publishing.md): damaged lines are moved aside, the rest delivered. */
class SpoolTest {
  @TempDir Path dir;

  private final List<String> notices = new ArrayList<>();

  private Spool spool() {
    return new Spool(dir.resolve("spool"), notices::add);
  }

  private static OutgoingRecord record(int n) {
    return new OutgoingRecord("jobwatch.lifecycle", "k" + n, "{\"n\":" + n + "}");
  }

  private static final String CUT_SHORT = "{\"topic\":\"jobwatch.lifecycle\",\"key\":\"k0\",\"val";

  @Test
  void anUnreadableLineDoesNotBlockTheRecordsBehindIt() throws Exception {
    Spool spool = spool();
    Files.createDirectories(dir.resolve("spool"));
    // A line cut short (ENOSPC in the middle of Files.write), then a later run's complete append.
    Files.writeString(spool.file(), CUT_SHORT + "\n", StandardCharsets.UTF_8);
    spool.append(List.of(record(1), record(2)));

    List<OutgoingRecord> delivered = new ArrayList<>();
    assertThat(spool.drain(delivered::add)).isEqualTo(2);

    assertThat(delivered).containsExactly(record(1), record(2));
    assertThat(Files.readString(spool.badFile())).isEqualTo(CUT_SHORT + "\n");
    assertThat(spool.read()).isEmpty();
    assertThat(notices)
        .as("said once, naming the side file")
        .singleElement()
        .asString()
        .contains("moved 1 unreadable line")
        .contains(spool.badFile().toString());
  }

  @Test
  void aLineCutShortWithoutItsNewlineDoesNotSwallowTheNextAppend() throws Exception {
    Spool spool = spool();
    Files.createDirectories(dir.resolve("spool"));
    Files.writeString(spool.file(), CUT_SHORT, StandardCharsets.UTF_8); // no newline: killed
    spool.append(List.of(record(1)));

    assertThat(spool.read()).containsExactly(record(1));
    assertThat(Files.readAllLines(spool.badFile())).containsExactly(CUT_SHORT);
  }

  @Test
  void unreadableLinesAreKeptAsideInOrderAndTheRestKeepsItsOrder() throws Exception {
    Spool spool = spool();
    spool.append(List.of(record(1)));
    Files.writeString(
        spool.file(),
        "not json\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    spool.append(List.of(record(2)));
    Files.writeString(
        spool.file(),
        "{\"topic\":\"t\"}\n", // readable JSON, but no value
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    spool.append(List.of(record(3)));

    List<OutgoingRecord> delivered = new ArrayList<>();
    spool.drain(
        r -> {
          delivered.add(r);
          return delivered.size() < 2; // the broker goes away after the first
        });

    assertThat(delivered).containsExactly(record(1), record(2));
    assertThat(spool.read()).containsExactly(record(2), record(3));
    assertThat(Files.readAllLines(spool.badFile()))
        .containsExactly("not json", "{\"topic\":\"t\"}");
    assertThat(notices).hasSize(1).first().asString().contains("moved 2 unreadable lines");
  }

  @Test
  void aLineCutInsideAMultiByteCharacterIsSetAsideAlone() throws Exception {
    Spool spool = spool();
    Files.createDirectories(dir.resolve("spool"));
    // "é" is two bytes in UTF-8; the write was cut after the first.
    byte[] cut =
        "{\"topic\":\"jobwatch.lifecycle\",\"key\":\"caf\u00e9\"".getBytes(StandardCharsets.UTF_8);
    byte[] spoiled = java.util.Arrays.copyOf(cut, cut.length - 2);
    Files.write(spool.file(), spoiled);
    Files.write(spool.file(), new byte[] {'\n'}, java.nio.file.StandardOpenOption.APPEND);
    spool.append(List.of(record(1)));

    List<OutgoingRecord> delivered = new ArrayList<>();
    assertThat(spool.drain(delivered::add)).isEqualTo(1);

    assertThat(delivered).containsExactly(record(1));
    byte[] expectedBad = java.util.Arrays.copyOf(spoiled, spoiled.length + 1);
    expectedBad[spoiled.length] = '\n';
    assertThat(Files.readAllBytes(spool.badFile())).isEqualTo(expectedBad);
  }

  @Test
  void aRecordKafkaRefusesMovesAsideWithItsReasonAndTheRestKeepsItsOrder() throws Exception {
    Spool spool = spool();
    spool.append(List.of(record(1), record(2), record(3), record(4), record(5)));
    List<OutgoingRecord> offered = new ArrayList<>();

    Spool.Drained drained =
        spool.offerEach(
            r -> {
              offered.add(r);
              if (r.equals(record(1)) || r.equals(record(3))) {
                return Spool.Offer.rejected("too large");
              }
              return r.equals(record(4)) ? Spool.Offer.KEPT : Spool.Offer.DELIVERED;
            });

    assertThat(drained).isEqualTo(new Spool.Drained(1, 2));
    assertThat(offered).containsExactly(record(1), record(2), record(3), record(4));
    assertThat(spool.read()).containsExactly(record(4), record(5));
    assertThat(spool.rejected())
        .extracting(Spool.Rejected::record, Spool.Rejected::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(record(1), "too large"),
            org.assertj.core.groups.Tuple.tuple(record(3), "too large"));
    assertThat(notices)
        .singleElement()
        .satisfies(
            notice -> assertThat(notice).contains("2 records", spool.rejectedFile().toString()));

    // The next drain offers the kept records again, never the rejected ones.
    offered.clear();
    assertThat(
            spool.offerEach(
                r -> {
                  offered.add(r);
                  return Spool.Offer.DELIVERED;
                }))
        .isEqualTo(new Spool.Drained(2, 0));
    assertThat(offered).containsExactly(record(4), record(5));
    assertThat(spool.rejected()).hasSize(2);

    // A line cut inside a multi-byte character (a kill during an append) spoils itself only.
    java.nio.file.Files.write(
        spool.rejectedFile(),
        new byte[] {'{', '"', 'k', '"', ':', '"', (byte) 0xC3},
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(spool.rejected()).hasSize(2);
  }

  @Test
  void aRejectedLineAppendedBackToTheSpoolIsSentAgain() throws Exception {
    Spool spool = spool();
    spool.append(List.of(record(1)));
    spool.offerEach(r -> Spool.Offer.rejected("topic missing"));
    String line = Files.readAllLines(spool.rejectedFile()).get(0);

    // docs/publishing.md: fix the cause, then append the rejected line to the spool as it is.
    Files.writeString(
        spool.file(), line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

    assertThat(spool.read()).containsExactly(record(1));
  }

  @Test
  void withoutASpoolDirectoryTheSpoolIsInTheHomeTheEnvironmentNames() {
    // A crontab's HOME= line, a container's HOME for a user the password database does not know
    // (where JDK 17's user.home is "?", a path relative to the working directory): ~ is $HOME.
    Path home = dir.resolve("home");

    Spool spool = Spool.fromEnvironment(java.util.Map.of("HOME", home.toString()));

    assertThat(spool.file()).isEqualTo(home.resolve(".jobwatch/spool").resolve(Spool.FILE));
  }

  @Test
  void aSpoolDirectoryWinsOverHome() {
    Spool spool =
        Spool.fromEnvironment(
            java.util.Map.of(
                "HOME", dir.resolve("home").toString(),
                "JOBWATCH_SPOOL_DIR", dir.resolve("elsewhere").toString()));

    assertThat(spool.file()).isEqualTo(dir.resolve("elsewhere").resolve(Spool.FILE));
  }
}
