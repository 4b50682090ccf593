-- When the schedule in force took over (docs/monitors.md, "Changing a schedule"). The fold kept
-- only the latest declaration, so a schedule moved later in the day (03:00 to 05:00 at 14:00,
-- after today's 03:05 success) was judged from the last success as if it had always been in
-- force: expected today at 05:00, already past, so the monitor was down at once and paged
-- although the script had missed no run of either schedule. schedule_replaced_at: the latest
-- declaration of another schedule (NULL: none, the schedule has always been in force);
-- schedule_declarations: the declarations of the schedule in force after it, ascending (a jsonb
-- array of instants, the earliest 32). Both are kept so that declarations read in any order fold
-- alike. Rows of earlier versions start with none: nothing changes for them until their schedule
-- does.
ALTER TABLE monitors
    ADD COLUMN schedule_declarations jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN schedule_replaced_at timestamptz;
