package io.jobwatch.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobwatch.JobwatchException;
import io.jobwatch.core.Severity;
import io.jobwatch.core.stage.StageHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code stage_health.recent} column: a stage's window of observations as compact JSON arrays
 * {@code [event_id, epoch_second, nano, severity, thresholded, error_class?]}, read back without
 * parsing dates (it is read and written for every stage a batch touches). Stateless and
 * thread-safe.
 */
final class MarksJson {
  private MarksJson() {}

  static String write(List<StageHealth.Mark> marks) {
    List<List<Object>> rows = new ArrayList<>(marks.size());
    for (StageHealth.Mark mark : marks) {
      List<Object> row = new ArrayList<>(6);
      row.add(mark.eventId());
      row.add(mark.time().getEpochSecond());
      row.add(mark.time().getNano());
      row.add(mark.severity().wireName());
      row.add(mark.thresholded());
      if (mark.errorClass() != null) {
        // Sixth and optional: a version that reads five ignores it.
        row.add(mark.errorClass());
      }
      rows.add(row);
    }
    return Json.write(rows);
  }

  static List<StageHealth.Mark> read(String json) {
    try {
      JsonNode rows = Json.MAPPER.readTree(json);
      List<StageHealth.Mark> marks = new ArrayList<>(rows.size());
      for (JsonNode row : rows) {
        marks.add(
            new StageHealth.Mark(
                row.get(0).asText(),
                Instant.ofEpochSecond(row.get(1).asLong(), row.get(2).asLong()),
                Severity.fromWireName(row.get(3).asText()),
                row.get(4).asBoolean(),
                row.size() > 5 ? row.get(5).asText() : null));
      }
      return marks;
    } catch (JsonProcessingException e) {
      throw new JobwatchException("stage_health.recent is not a list of marks", e);
    }
  }
}
