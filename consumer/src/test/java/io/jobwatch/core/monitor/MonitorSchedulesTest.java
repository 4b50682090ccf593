package io.jobwatch.core.monitor;

import static io.jobwatch.core.monitor.MonitorFixtures.berlin;
import static io.jobwatch.core.monitor.MonitorFixtures.cron;
import static io.jobwatch.core.monitor.MonitorFixtures.every;
import static io.jobwatch.core.monitor.MonitorFixtures.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MonitorSchedulesTest {

  @Test
  @DisplayName("An every schedule fires its duration after the base")
  void everyAddsTheDuration() {
    assertThat(MonitorSchedules.nextAfter(every("PT1H"), utc("2026-06-10T10:07:00Z")))
        .isEqualTo(utc("2026-06-10T11:07:00Z"));
  }

  @Test
  @DisplayName("A cron fire time is strictly after the base, even when the base is a fire time")
  void cronIsStrictlyAfter() {
    assertThat(MonitorSchedules.nextAfter(cron("0 3 * * *"), berlin("2026-06-10T03:00")))
        .isEqualTo(berlin("2026-06-11T03:00"));
    assertThat(
            MonitorSchedules.nextAfter(
                cron("0 3 * * *"), berlin("2026-06-10T03:00").plusMillis(500)))
        .isEqualTo(berlin("2026-06-11T03:00"));
    assertThat(MonitorSchedules.nextAfter(cron("0 3 * * *"), berlin("2026-06-10T02:59")))
        .isEqualTo(berlin("2026-06-10T03:00"));
  }

  @Test
  @DisplayName("A cron runs on its zone's wall clock across DST: 03:00 is 01:00 UTC in summer")
  void cronFollowsTheZone() {
    assertThat(MonitorSchedules.nextAfter(cron("0 3 * * *"), utc("2026-01-10T12:00:00Z")))
        .isEqualTo(utc("2026-01-11T02:00:00Z"));
    assertThat(MonitorSchedules.nextAfter(cron("0 3 * * *"), utc("2026-07-10T12:00:00Z")))
        .isEqualTo(utc("2026-07-11T01:00:00Z"));
  }

  @Test
  @DisplayName("A 02:30 cron on the spring-forward day fires at 03:30 summer time, not a day later")
  void springForwardGap() {
    assertThat(MonitorSchedules.nextAfter(cron("30 2 * * *"), berlin("2026-03-28T02:31")))
        .isEqualTo(utc("2026-03-29T01:30:00Z"));
  }

  @Test
  @DisplayName("A 02:30 cron on the fall-back day fires once, at the first 02:30")
  void fallBackOverlap() {
    assertThat(MonitorSchedules.nextAfter(cron("30 2 * * *"), berlin("2026-10-24T02:31")))
        .isEqualTo(utc("2026-10-25T00:30:00Z"));
    assertThat(MonitorSchedules.nextAfter(cron("30 2 * * *"), utc("2026-10-25T00:35:00Z")))
        .isEqualTo(utc("2026-10-26T01:30:00Z"));
  }

  @Test
  @DisplayName("Invalid schedules are refused with the offending expression in the message")
  void invalidSchedulesAreRefused() {
    assertThatThrownBy(() -> MonitorSchedules.validate(cron("0 3 * *")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 3 * *");
    assertThatThrownBy(() -> MonitorSchedules.validate(every("PT0S")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} fires as {1}")
  @CsvSource({
    "@hourly, 0 * * * *",
    "@daily, 0 0 * * *",
    "@midnight, 0 0 * * *",
    "@weekly, 0 0 * * 0",
    "@monthly, 0 0 1 * *",
    "@yearly, 0 0 1 1 *",
    "@annually, 0 0 1 1 *",
    "0 3 ? * *, 0 3 * * *",
    "30 1 * * ?, 30 1 * * *",
    "0 0 ? * MON, 0 0 * * MON",
  })
  @DisplayName(
      "A Kubernetes CronJob's or crontab's @nickname, and Kubernetes' ? for any, fire as the"
          + " five-field expression they stand for")
  void nicknamesAndQuestionMarkFireAsTheirExpression(String declared, String standard) {
    for (String base : List.of("2026-06-10T10:07", "2026-12-31T23:59", "2026-03-29T01:30")) {
      assertThat(MonitorSchedules.nextAfter(cron(declared), berlin(base)))
          .as("after %s", base)
          .isEqualTo(MonitorSchedules.nextAfter(cron(standard), berlin(base)));
    }
  }

  @ParameterizedTest(name = "{0} fires as {1}")
  @CsvSource({
    "0 9 * * SUN-THU, 0 9 * * 0-4",
    "0 9 * * sun-thu, 0 9 * * 0-4",
    "'0 9 * * Sun-Wed,Fri', '0 9 * * 0-3,5'",
    "0 9 * * SUN-FRI/2, 0 9 * * 0-5/2",
    "0 9 * * SUN-SAT, 0 9 * * 0-6",
    "0 9 * * SUN-SUN, 0 9 * * 0",
  })
  @DisplayName(
      "A day-of-week range that starts on Sunday by name (a Sunday-to-Thursday working week) fires"
          + " as cron and Kubernetes read it, Sunday being 0")
  void sundayStartsADayOfWeekRange(String declared, String standard) {
    MonitorSchedules.validate(cron(declared));
    assertThat(MonitorSchedules.nextAfter(cron("0 9 * * SUN-THU"), berlin("2026-12-03T09:00")))
        .as("Thursday's run done, Friday and Saturday off")
        .isEqualTo(berlin("2026-12-06T09:00"));
    for (String base : List.of("2026-06-10T10:07", "2026-12-04T23:59", "2026-03-29T01:30")) {
      assertThat(MonitorSchedules.nextAfter(cron(declared), berlin(base)))
          .as("after %s", base)
          .isEqualTo(MonitorSchedules.nextAfter(cron(standard), berlin(base)));
    }
  }

  @Test
  @DisplayName(
      "Day of month and day of week both restricted fire on either (Vixie cron): 0 9 1 * MON runs"
          + " on the 1st and on every Monday; 7 is Sunday; names in any case")
  void dayOfMonthOrDayOfWeek() {
    assertThat(MonitorSchedules.nextAfter(cron("0 9 1 * MON"), berlin("2026-12-01T09:00")))
        .isEqualTo(berlin("2026-12-07T09:00"));
    assertThat(MonitorSchedules.nextAfter(cron("0 9 1 * MON"), berlin("2026-12-28T09:00")))
        .as("Friday the 1st")
        .isEqualTo(berlin("2027-01-01T09:00"));
    assertThat(MonitorSchedules.nextAfter(cron("0 0 * * 7"), berlin("2026-12-01T00:00")))
        .isEqualTo(berlin("2026-12-06T00:00"));
    assertThat(MonitorSchedules.nextAfter(cron("0 9 * * mon-fri"), berlin("2026-12-04T09:00")))
        .isEqualTo(berlin("2026-12-07T09:00"));
    assertThat(MonitorSchedules.nextAfter(cron("5-59/15 * 1 jan *"), berlin("2026-12-01T00:00")))
        .isEqualTo(berlin("2027-01-01T00:05"));
  }

  @Test
  @DisplayName("@reboot is no schedule: validating it throws")
  void rebootIsNoSchedule() {
    assertThatThrownBy(() -> MonitorSchedules.validate(cron("@reboot")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@reboot");
  }
}
