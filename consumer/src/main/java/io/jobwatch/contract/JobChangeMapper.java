package io.jobwatch.contract;

import static io.jobwatch.contract.Fields.count;
import static io.jobwatch.contract.Fields.flag;
import static io.jobwatch.contract.Fields.integer;
import static io.jobwatch.contract.Fields.present;
import static io.jobwatch.contract.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps the schema-valid {@code data} of a {@code job.*} event to a {@link JobChange}. */
final class JobChangeMapper {
  private JobChangeMapper() {}

  static JobChange map(String type, JsonNode data) {
    switch (type) {
      case "job.submitted":
        return new JobChange.Submitted(
            text(data, "runner"),
            text(data, "monitor"),
            dependencies(present(data, "depends_on")),
            present(data, "trigger") == null ? null : data.get("trigger").toString(),
            labels(present(data, "labels")));
      case "job.queued":
        return new JobChange.Queued(text(data, "runner"), integer(data, "attempt"));
      case "job.waiting":
        return new JobChange.Waiting(text(data, "reason"));
      case "job.started":
        return new JobChange.Started(
            text(data, "runner"), attempt(data), text(data, "host"), text(data, "monitor"));
      case "job.status":
        return new JobChange.Status(
            attempt(data),
            text(data, "error"),
            text(data, "warning"),
            text(data, "activity"),
            progress(present(data, "progress")));
      case "job.finished":
        return new JobChange.Finished(
            text(data, "runner"), attempt(data), (int) Fields.whole(data.get("exit_code")));
      case "job.crashed":
        return new JobChange.Crashed(
            text(data, "runner"),
            attempt(data),
            Blame.fromWireName(text(data, "blame")),
            text(data, "cause"),
            text(data, "details"),
            flag(data, "fatal"));
      case "job.cancelled":
        return new JobChange.Cancelled(text(data, "reason"));
      case "job.requeued":
        return new JobChange.Requeued(attempt(data), text(data, "reason"));
      default:
        throw new IllegalStateException("the schema accepted an unmapped job type " + type);
    }
  }

  /** The schema makes attempt required on every type that calls this. */
  private static int attempt(JsonNode data) {
    return (int) Fields.whole(data.get("attempt"));
  }

  private static List<JobChange.Dependency> dependencies(JsonNode dependsOn) {
    List<JobChange.Dependency> dependencies = new ArrayList<>();
    if (dependsOn != null) {
      for (JsonNode dependency : dependsOn) {
        List<JobState> accept = new ArrayList<>();
        JsonNode states = dependency.get("accept");
        if (states != null) {
          states.forEach(state -> accept.add(JobState.fromWireName(state.asText())));
        }
        dependencies.add(new JobChange.Dependency(dependency.get("job_id").asText(), accept));
      }
    }
    return dependencies;
  }

  private static Map<String, String> labels(JsonNode labels) {
    Map<String, String> map = new LinkedHashMap<>();
    if (labels != null) {
      labels.properties().forEach(label -> map.put(label.getKey(), label.getValue().asText()));
    }
    return map;
  }

  /** Progress whose counts are all null says nothing, as no progress does. */
  private static JobChange.Progress progress(JsonNode progress) {
    return progress == null
        ? null
        : JobChange.Progress.ofCounts(
            count(progress, "complete"), count(progress, "waiting"), count(progress, "failed"));
  }
}
