package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.cli.MonitorPlan.Current;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The diff of {@code jobwatch monitors apply}: what it creates, updates, retires or keeps. */
class MonitorPlanTest {
  private static ObjectNode declaration(String monitor, String grace, String owner) {
    try {
      ObjectNode data =
          (ObjectNode)
              CliEvents.MAPPER.readTree(
                  "{\"monitor\":\""
                      + monitor
                      + "\",\"team\":\"ops\",\"schedule\":{\"every\":\"PT1H\"},\"grace\":\""
                      + grace
                      + "\"}");
      return owner == null ? data : data.put("owner", owner);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, ObjectNode> file(ObjectNode... declarations) {
    Map<String, ObjectNode> file = new LinkedHashMap<>();
    for (ObjectNode declaration : declarations) {
      file.put(declaration.get("monitor").asText(), declaration);
    }
    return file;
  }

  private static List<String> actions(MonitorPlan plan) {
    return plan.changes().stream().map(c -> c.action() + " " + c.monitor()).toList();
  }

  @Test
  @DisplayName("Monitors the database has never seen are created")
  void unknownMonitorsAreCreated() {
    MonitorPlan plan = MonitorPlan.of(file(declaration("a", "PT5M", "git")), Map.of(), "git");

    assertThat(actions(plan)).containsExactly("CREATE a");
    assertThat(plan.changes().get(0).declaration().get("owner").asText()).isEqualTo("git");
  }

  @Test
  @DisplayName("An identical declaration is unchanged, and a plan of only those is empty")
  void identicalDeclarationIsUnchanged() {
    MonitorPlan plan =
        MonitorPlan.of(
            file(declaration("a", "PT5M", "git")),
            Map.of("a", new Current(declaration("a", "PT5M", "git"), false)),
            "git");

    assertThat(actions(plan)).containsExactly("UNCHANGED a");
    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  @DisplayName(
      "A null optional field is the same as an absent one, in the file or in force: unchanged,"
          + " not re-declared; a real change beside it names only that change")
  void nullAndAbsentAgree() {
    ObjectNode withNull = declaration("a", "PT5M", "git");
    withNull.putNull("max_runtime");
    MonitorPlan nullInForce =
        MonitorPlan.of(
            file(declaration("a", "PT5M", "git")),
            Map.of("a", new Current(withNull, false)),
            "git");
    MonitorPlan nullInTheFile =
        MonitorPlan.of(
            file(withNull),
            Map.of("a", new Current(declaration("a", "PT5M", "git"), false)),
            "git");
    MonitorPlan graceChanged =
        MonitorPlan.of(
            file(declaration("a", "PT10M", "git")),
            Map.of("a", new Current(withNull, false)),
            "git");

    assertThat(actions(nullInForce)).containsExactly("UNCHANGED a");
    assertThat(actions(nullInTheFile)).containsExactly("UNCHANGED a");
    assertThat(graceChanged.changes().get(0).detail()).isEqualTo("grace: \"PT5M\" -> \"PT10M\"");
  }

  @Test
  @DisplayName("A changed field is an update whose detail names the field, old and new value")
  void changedFieldIsAnUpdate() {
    MonitorPlan plan =
        MonitorPlan.of(
            file(declaration("a", "PT10M", "git")),
            Map.of("a", new Current(declaration("a", "PT5M", "git"), false)),
            "git");

    assertThat(actions(plan)).containsExactly("UPDATE a");
    assertThat(plan.changes().get(0).detail()).isEqualTo("grace: \"PT5M\" -> \"PT10M\"");
    assertThat(plan.isEmpty()).isFalse();
  }

  @Test
  @DisplayName("A retired monitor listed in the file is created again")
  void retiredMonitorIsRedeclared() {
    MonitorPlan plan =
        MonitorPlan.of(
            file(declaration("a", "PT5M", "git")),
            Map.of("a", new Current(declaration("a", "PT5M", "git"), true)),
            "git");

    assertThat(actions(plan)).containsExactly("CREATE a");
  }

  @Test
  @DisplayName("Only the owner's monitors that left the file are retired")
  void onlyTheOwnersMissingMonitorsAreRetired() {
    Map<String, Current> current = new LinkedHashMap<>();
    current.put("kept", new Current(declaration("kept", "PT5M", "git"), false));
    current.put("gone", new Current(declaration("gone", "PT5M", "git"), false));
    current.put("other-owner", new Current(declaration("other-owner", "PT5M", "team-b"), false));
    current.put("no-owner", new Current(declaration("no-owner", "PT5M", null), false));
    current.put(
        "already-retired", new Current(declaration("already-retired", "PT5M", "git"), true));
    current.put("only-runs", new Current(null, false));

    MonitorPlan plan = MonitorPlan.of(file(declaration("kept", "PT5M", "git")), current, "git");

    assertThat(actions(plan)).containsExactly("RETIRE gone", "UNCHANGED kept");
  }

  @Test
  @DisplayName("Without an owner nothing is retired")
  void withoutOwnerNothingIsRetired() {
    MonitorPlan plan =
        MonitorPlan.of(
            file(declaration("a", "PT5M", null)),
            Map.of("gone", new Current(declaration("gone", "PT5M", null), false)),
            null);

    assertThat(actions(plan)).containsExactly("CREATE a");
  }

  @Test
  @DisplayName("Taking over a monitor of another owner is an update that shows the owner change")
  void takingOverIsAnUpdate() {
    MonitorPlan plan =
        MonitorPlan.of(
            file(declaration("a", "PT5M", "git")),
            Map.of("a", new Current(declaration("a", "PT5M", "team-b"), false)),
            "git");

    assertThat(actions(plan)).containsExactly("UPDATE a");
    assertThat(plan.changes().get(0).detail()).isEqualTo("owner: \"team-b\" -> \"git\"");
  }

  @Test
  @DisplayName("Changes are listed create, update, retire, unchanged, each by name")
  void changesAreOrdered() {
    Map<String, Current> current = new LinkedHashMap<>();
    current.put("u", new Current(declaration("u", "PT5M", "git"), false));
    current.put("k", new Current(declaration("k", "PT5M", "git"), false));
    current.put("r", new Current(declaration("r", "PT5M", "git"), false));

    MonitorPlan plan =
        MonitorPlan.of(
            file(
                declaration("k", "PT5M", "git"),
                declaration("u", "PT9M", "git"),
                declaration("c2", "PT5M", "git"),
                declaration("c1", "PT5M", "git")),
            current,
            "git");

    assertThat(actions(plan))
        .containsExactly("CREATE c1", "CREATE c2", "UPDATE u", "RETIRE r", "UNCHANGED k");
  }
}
