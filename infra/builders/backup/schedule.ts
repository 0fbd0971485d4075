// titan:backupSchedule is a systemd OnCalendar expression. systemd's grammar is large; this accepts
// the subset an operator needs (an optional weekday list, a date pattern, a time, an optional UTC)
// and a test runs every accepted form through the real `systemd-analyze calendar`.

/** Daily at 03:30 UTC: after Titan's own 03:00 JetStream job window (infra/cron/titan-backups.cron:14). */
export const DEFAULT_BACKUP_SCHEDULE = "*-*-* 03:30:00 UTC";

const WEEKDAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const WEEKDAYS = `${WEEKDAY}((\\.\\.|,)${WEEKDAY})*`;
const DATE_PART = "(\\*|\\d{4})-(\\*|\\d{1,2})-(\\*|\\d{1,2})";
const NUM_OR_STAR = "(\\*|\\d{1,2}(/\\d{1,2})?|\\d{1,2}(,\\d{1,2})+)";
const TIME_PART = `${NUM_OR_STAR}:${NUM_OR_STAR}(:${NUM_OR_STAR})?`;
const CALENDAR = new RegExp(`^(${WEEKDAYS} )?(${DATE_PART} )?${TIME_PART}( UTC)?$`);
const SHORTHANDS = ["hourly", "daily", "weekly", "monthly"];

/** Why `text` is not an accepted OnCalendar expression, or undefined when it is. */
export function onCalendarProblem(text: string): string | undefined {
  if (SHORTHANDS.includes(text)) return undefined;
  if (!CALENDAR.test(text)) {
    return `'${text}' is not a systemd OnCalendar expression such as '*-*-* 03:30:00 UTC' or 'Mon..Fri *-*-* 02:00 UTC'`;
  }
  const [, time = ""] = /(\S+)( UTC)?$/.exec(text) ?? [];
  const [h, m, s] = time.split(":");
  for (const [part, max] of [
    [h, 23],
    [m, 59],
    [s, 59],
  ] as const) {
    for (const n of (part ?? "").match(/\d+/g) ?? []) {
      if (Number(n) > max) return `'${text}' has ${n} in a field whose largest value is ${max}`;
    }
  }
  return undefined;
}
