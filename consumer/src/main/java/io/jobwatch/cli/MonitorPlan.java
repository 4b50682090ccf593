package io.jobwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.core.WireName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The difference between a monitors file and the declarations in force: what {@code jobwatch
 * monitors apply} creates, updates, retires or leaves alone. Pure; immutable once built.
 */
record MonitorPlan(List<Change> changes) {
  /** What happens to one monitor. */
  enum Action implements WireName {
    CREATE,
    UPDATE,
    RETIRE,
    UNCHANGED
  }

  /**
   * One monitor's change; {@code declaration} is the {@code data} to declare (null for retire and
   * unchanged), {@code detail} says why in words.
   */
  record Change(Action action, String monitor, ObjectNode declaration, String detail) {}

  /** A monitor as it is now: its declaration in force (null if never declared) and if retired. */
  record Current(JsonNode declaration, boolean retired) {}

  MonitorPlan {
    changes = List.copyOf(changes);
  }

  /**
   * Plans the changes. Every monitor of {@code desired} (name to the {@code data} to declare) is
   * created if it is unknown, never declared or retired, updated if its declaration in force
   * differs, and otherwise unchanged. With an {@code owner}, every other monitor whose declaration
   * in force has that owner and is not retired is retired; without one nothing is retired.
   */
  static MonitorPlan of(
      Map<String, ObjectNode> desired, Map<String, Current> current, String owner) {
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> wanted : desired.entrySet()) {
      String monitor = wanted.getKey();
      Current now = current.get(monitor);
      if (now == null || now.declaration() == null) {
        changes.add(new Change(Action.CREATE, monitor, wanted.getValue(), "not declared yet"));
      } else if (now.retired()) {
        changes.add(
            new Change(
                Action.CREATE, monitor, wanted.getValue(), "declared again after retirement"));
      } else if (said(now.declaration()).equals(said(wanted.getValue()))) {
        changes.add(new Change(Action.UNCHANGED, monitor, null, ""));
      } else {
        changes.add(
            new Change(
                Action.UPDATE,
                monitor,
                wanted.getValue(),
                differences(said(now.declaration()), said(wanted.getValue()))));
      }
    }
    if (owner != null) {
      for (Map.Entry<String, Current> existing : current.entrySet()) {
        Current now = existing.getValue();
        if (!desired.containsKey(existing.getKey())
            && !now.retired()
            && now.declaration() != null
            && owner.equals(now.declaration().path("owner").asText(null))) {
          changes.add(
              new Change(
                  Action.RETIRE,
                  existing.getKey(),
                  null,
                  "owned by " + owner + ", gone from the file"));
        }
      }
    }
    changes.sort(Comparator.comparing(Change::action).thenComparing(Change::monitor));
    return new MonitorPlan(changes);
  }

  /** The changes of one action. */
  List<Change> only(Action action) {
    return changes.stream().filter(change -> change.action() == action).toList();
  }

  /** True when applying would publish nothing. */
  boolean isEmpty() {
    return changes.stream().allMatch(change -> change.action() == Action.UNCHANGED);
  }

  /**
   * A declaration without its null members: a null optional field is the same as an absent one
   * (schemas/README.md), so {@code max_runtime: ~} in the file and no max runtime in force agree.
   */
  private static JsonNode said(JsonNode declaration) {
    if (!(declaration instanceof ObjectNode object)) {
      return declaration;
    }
    ObjectNode copy = object.deepCopy();
    copy.properties().removeIf(field -> field.getValue().isNull());
    return copy;
  }

  /** The fields that differ, e.g. {@code grace: "PT30M" -> "PT1H"; max_runtime: removed}. */
  private static String differences(JsonNode before, JsonNode after) {
    TreeSet<String> fields = new TreeSet<>();
    before.properties().forEach(field -> fields.add(field.getKey()));
    after.properties().forEach(field -> fields.add(field.getKey()));
    List<String> differences = new ArrayList<>();
    for (String field : fields) {
      JsonNode was = before.get(field);
      JsonNode will = after.get(field);
      if (Objects.equals(was, will)) {
        continue;
      }
      differences.add(
          field
              + ": "
              + (was == null ? "added " + will : will == null ? "removed" : was + " -> " + will));
    }
    return String.join("; ", differences);
  }
}
