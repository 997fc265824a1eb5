/**
 * Business hours: the calendars SLA clocks count in. Each has a time zone, working hours per
 * weekday (several ranges a day; a range that ends at or before it starts runs overnight into
 * the next day) and holidays (a day, a range of days, or a date every year). The default 24×7
 * calendar cannot be deleted; a calendar a policy uses cannot either, and the page says which.
 */
import { ActionIcon, Alert, Badge, Button, Checkbox, Group, Select, Stack, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { IconCalendarTime, IconMoonStars, IconPlus, IconTrash, IconX } from "@tabler/icons-react";
import { WEEKDAYS, type Calendar, type Holiday, type Weekday } from "@tessera/contracts";
import { useMemo } from "react";
import { createCalendar, deleteCalendar, slaKeys, updateCalendar, useCalendars } from "../api/sla.ts";
import { ConfirmDialog, Editor, SaveError, Tag } from "./layout.tsx";
import { AdminCollectionPage, bindDraft, byName, FormHeading, useAdminCollection, useCreateForm, useEditForm, type AdminCollection } from "./scaffold/index.ts";
import sla from "./sla-admin.module.css";
import { AddButton, FieldGroup } from "./field-group.tsx";

const DAY_NAMES: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

interface Range {
  start: string;
  end: string;
}
interface CalendarDraft {
  name: string;
  time_zone: string;
  days: Record<Weekday, Range[]>;
  holidays: Array<{ name: string; date: string; end_date: string; yearly: boolean }>;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
/** Every IANA zone the browser knows, the calendar's own first if it is not among them. */
function zoneChoices(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC", "Europe/London", "Europe/Paris", "America/New_York"];
  const list = all.includes("UTC") ? all : ["UTC", ...all];
  return current && !list.includes(current) ? [current, ...list] : list;
}

const emptyDays = (): Record<Weekday, Range[]> => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });
const officeHours = (): Record<Weekday, Range[]> => ({
  ...emptyDays(),
  mon: [{ start: "09:00", end: "17:00" }],
  tue: [{ start: "09:00", end: "17:00" }],
  wed: [{ start: "09:00", end: "17:00" }],
  thu: [{ start: "09:00", end: "17:00" }],
  fri: [{ start: "09:00", end: "17:00" }],
});
const allHours = (): Record<Weekday, Range[]> => Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: "00:00", end: "24:00" }]])) as Record<Weekday, Range[]>;

function draftOf(c: Calendar): CalendarDraft {
  const days = emptyDays();
  for (const s of c.hours) days[s.day].push({ start: s.start, end: s.end });
  return {
    name: c.name,
    time_zone: c.time_zone,
    days,
    holidays: c.holidays.map((h) => ({ name: h.name, date: h.date, end_date: h.end_date ?? "", yearly: h.yearly })),
  };
}

/** A range runs overnight when it ends at or before its start (22:00 to 06:00); 24:00 ends the day. */
const isOvernight = (r: Range) => r.end !== "24:00" && r.end <= r.start;

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
function weeklyMinutes(days: Record<Weekday, Range[]>): number {
  let sum = 0;
  for (const d of WEEKDAYS)
    for (const r of days[d]) if (/^\d\d:\d\d$/.test(r.start) && /^\d\d:\d\d$/.test(r.end)) sum += isOvernight(r) ? 1440 - minutesOf(r.start) + minutesOf(r.end) : minutesOf(r.end) - minutesOf(r.start);
  return sum;
}

function inputOf(d: CalendarDraft) {
  return {
    name: d.name.trim(),
    time_zone: d.time_zone,
    hours: WEEKDAYS.flatMap((day) => d.days[day].map((r) => ({ day, start: r.start, end: r.end, overnight: isOvernight(r) }))),
    holidays: d.holidays.map((h): Holiday => ({ name: h.name.trim(), date: h.date, end_date: h.end_date || null, yearly: h.yearly })),
  };
}

function checkDraft(d: CalendarDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give the calendar a name";
  if (!d.time_zone) found.time_zone = "Pick a time zone";
  for (const day of WEEKDAYS) {
    for (const r of d.days[day]) {
      if (!/^\d\d:\d\d$/.test(r.start) || !/^\d\d:\d\d$/.test(r.end)) found.hours = `${DAY_NAMES[day]}: give each range a start and an end`;
      else if (r.start === r.end) found.hours = `${DAY_NAMES[day]}: a range needs some time between its start and its end`;
    }
  }
  if (!WEEKDAYS.some((day) => d.days[day].length)) found.hours = "Add working hours to at least one day";
  d.holidays.forEach((h, i) => {
    if (!h.name.trim() || !h.date) found.holidays = `Holiday ${i + 1}: give it a name and a date`;
    else if (h.end_date && h.end_date < h.date) found.holidays = `${h.name}: the last day comes before the first`;
  });
  return found;
}

function HoursGrid({ draft, setDraft, error }: { draft: CalendarDraft; setDraft: (d: CalendarDraft) => void; error?: string }) {
  const setDay = (day: Weekday, ranges: Range[]) => setDraft({ ...draft, days: { ...draft.days, [day]: ranges } });
  const copyMonday = () => setDraft({ ...draft, days: { ...draft.days, tue: [...draft.days.mon], wed: [...draft.days.mon], thu: [...draft.days.mon], fri: [...draft.days.mon] } });
  const total = weeklyMinutes(draft.days);
  /** Where range `i` of `day` starts or ends; "24:00" (midnight at the end of the day) is not a time a time input takes. */
  const timeInput = (day: Weekday, i: number, edge: "start" | "end") => {
    const ranges = draft.days[day];
    const value = ranges[i][edge];
    return (
      <TextInput
        type={value === "24:00" && edge === "end" ? "text" : "time"}
        size="xs"
        w={110}
        value={value}
        onChange={(e) =>
          setDay(
            day,
            ranges.map((x, j) => (j === i ? { ...x, [edge]: e.currentTarget.value } : x)),
          )
        }
        aria-label={`${DAY_NAMES[day]} range ${i + 1} ${edge === "start" ? "starts" : "ends"}`}
      />
    );
  };
  return (
    <FieldGroup
      legend="Working hours"
      hint="In the calendar's time zone. A range that ends at or before its start runs overnight into the next day."
      actions={
        <Group gap={4}>
          <Button size="compact-xs" variant="subtle" onClick={() => setDraft({ ...draft, days: officeHours() })}>
            Mon–Fri 9–17
          </Button>
          <Button size="compact-xs" variant="subtle" onClick={() => setDraft({ ...draft, days: allHours() })}>
            24×7
          </Button>
          <Button size="compact-xs" variant="subtle" onClick={copyMonday} disabled={!draft.days.mon.length}>
            Copy Monday to weekdays
          </Button>
        </Group>
      }
      error={error}
    >
      <table className={sla.hoursGrid} aria-label="Working hours per day">
        <tbody>
          {WEEKDAYS.map((day) => {
            const ranges = draft.days[day];
            return (
              <tr key={day}>
                <th scope="row">{DAY_NAMES[day]}</th>
                <td>
                  <Stack gap={4}>
                    {ranges.length === 0 && (
                      <Text size="sm" c="dimmed" py={4}>
                        Closed
                      </Text>
                    )}
                    {ranges.map((r, i) => (
                      <Group key={i} gap={6} wrap="nowrap">
                        {timeInput(day, i, "start")}
                        <Text size="sm" c="dimmed">
                          to
                        </Text>
                        {timeInput(day, i, "end")}
                        {isOvernight(r) && r.start !== r.end && (
                          <Badge size="sm" variant="light" color="violet" leftSection={<IconMoonStars size={11} aria-hidden="true" />}>
                            ends next day
                          </Badge>
                        )}
                        <ActionIcon
                          size="sm"
                          variant="subtle"
                          color="gray"
                          onClick={() =>
                            setDay(
                              day,
                              ranges.filter((_, j) => j !== i),
                            )
                          }
                          aria-label={`Remove ${DAY_NAMES[day]} range ${i + 1}`}
                        >
                          <IconX size={14} />
                        </ActionIcon>
                      </Group>
                    ))}
                  </Stack>
                </td>
                <td style={{ verticalAlign: "top" }}>
                  <Tooltip label={`Add working hours on ${DAY_NAMES[day]}`}>
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      onClick={() => setDay(day, [...ranges, ranges.length ? { start: "13:00", end: "17:00" } : { start: "09:00", end: "17:00" }])}
                      aria-label={`Add hours on ${DAY_NAMES[day]}`}
                      mt={4}
                    >
                      <IconPlus size={14} />
                    </ActionIcon>
                  </Tooltip>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Text size="xs" c="dimmed" mt={6} className="tabular">
        {total ? `${Math.floor(total / 60)} h${total % 60 ? ` ${total % 60} min` : ""} of business time a week` : "No working time yet"}
      </Text>
    </FieldGroup>
  );
}

function Holidays({ draft, setDraft, error }: { draft: CalendarDraft; setDraft: (d: CalendarDraft) => void; error?: string }) {
  const set = (i: number, h: Partial<CalendarDraft["holidays"][number]>) => setDraft({ ...draft, holidays: draft.holidays.map((x, j) => (j === i ? { ...x, ...h } : x)) });
  return (
    <FieldGroup
      legend="Holidays"
      hint="A holiday takes its whole day out of business time. Give a last day for a range; tick “Every year” for a fixed date."
      actions={<AddButton onClick={() => setDraft({ ...draft, holidays: [...draft.holidays, { name: "", date: "", end_date: "", yearly: false }] })}>Add holiday</AddButton>}
      error={error}
    >
      {draft.holidays.length === 0 ? (
        <Text size="sm" c="dimmed">
          No holidays.
        </Text>
      ) : (
        <Stack gap={6} component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label="Holidays">
          {draft.holidays.map((h, i) => (
            <Group component="li" key={i} gap={6} wrap="nowrap" align="center">
              <TextInput
                size="xs"
                placeholder="Name, e.g. New Year's Day"
                value={h.name}
                onChange={(e) => set(i, { name: e.currentTarget.value })}
                aria-label={`Holiday ${i + 1} name`}
                style={{ flex: 1 }}
              />
              <TextInput size="xs" type="date" value={h.date} onChange={(e) => set(i, { date: e.currentTarget.value })} aria-label={`Holiday ${i + 1} date`} w={140} />
              <TextInput
                size="xs"
                type="date"
                value={h.end_date}
                onChange={(e) => set(i, { end_date: e.currentTarget.value })}
                aria-label={`Holiday ${i + 1} last day (optional)`}
                w={140}
                placeholder="Last day"
              />
              <Checkbox size="xs" label="Every year" checked={h.yearly} onChange={(e) => set(i, { yearly: e.currentTarget.checked })} />
              <ActionIcon
                size="sm"
                variant="subtle"
                color="gray"
                onClick={() => setDraft({ ...draft, holidays: draft.holidays.filter((_, j) => j !== i) })}
                aria-label={`Remove holiday ${h.name || i + 1}`}
              >
                <IconX size={14} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
    </FieldGroup>
  );
}

function CalendarFields({ draft, setDraft, errors }: { draft: CalendarDraft; setDraft: (d: CalendarDraft) => void; errors: Record<string, string> }) {
  const zones = useMemo(() => zoneChoices(draft.time_zone), [draft.time_zone]);
  const bind = bindDraft(draft, setDraft, errors);
  return (
    <Stack gap="lg">
      <Group grow align="flex-start">
        <TextInput label="Name" required {...bind.text("name")} maxLength={100} placeholder="e.g. Paris office hours" />
        <Select label="Time zone" required searchable data={zones} {...bind.required("time_zone")} allowDeselect={false} comboboxProps={{ withinPortal: true }} limit={50} />
      </Group>
      <HoursGrid draft={draft} setDraft={setDraft} error={errors.hours} />
      <Holidays draft={draft} setDraft={setDraft} error={errors.holidays} />
    </Stack>
  );
}

const FIELDS = ["name", "time_zone", "hours", "holidays"] as const;

function CalendarEditor({ calendar, collection }: { calendar: Calendar; collection: AdminCollection<Calendar> }) {
  const form = useEditForm(collection, calendar, {
    fields: FIELDS,
    check: checkDraft,
    draftOf,
    save: (d) => updateCalendar(calendar.id, inputOf(d)),
    remove: () => deleteCalendar(calendar.id),
    removed: `${calendar.name} was deleted.`,
  });
  const usedBy = calendar.policies;
  return (
    <Editor label={`Edit calendar ${calendar.name}`} {...form.editorProps}>
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Title order={2} fz={17}>
          {calendar.name}{" "}
          {calendar.is_default && (
            <Badge variant="light" color="gray" ml={6}>
              Default
            </Badge>
          )}
        </Title>
        {!calendar.is_default && (
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={form.askRemove}>
            Delete
          </Button>
        )}
      </Group>
      {usedBy.length > 0 && (
        <Text size="sm" c="dimmed" mb="md">
          Used by {usedBy.map((p) => `“${p.name}”`).join(", ")}. Deadlines already set move when a ticket's clock next changes, or when you recompute them from the policy.
        </Text>
      )}
      <CalendarFields draft={form.draft} setDraft={form.setDraft} errors={form.errors} />
      <SaveError message={form.general} />
      <ConfirmDialog {...form.removal} title={`Delete ${calendar.name}?`} confirmLabel="Delete calendar">
        {usedBy.length ? (
          <Alert color="yellow" variant="light">
            It cannot be deleted while {usedBy.length === 1 ? "a policy uses" : `${usedBy.length} policies use`} it: {usedBy.map((p) => p.name).join(", ")}. Give{" "}
            {usedBy.length === 1 ? "that policy" : "them"} another calendar first.
          </Alert>
        ) : (
          <Text size="sm">No policy uses it. Open tickets that still count in it keep it until they are recomputed; if any do, the server refuses and says so.</Text>
        )}
      </ConfirmDialog>
    </Editor>
  );
}

function NewCalendarEditor({ collection }: { collection: AdminCollection<Calendar> }) {
  const empty = useMemo<CalendarDraft>(() => ({ name: "", time_zone: browserZone(), days: officeHours(), holidays: [] }), []);
  const form = useCreateForm(collection, { base: empty, fields: FIELDS, check: checkDraft, save: (d) => createCalendar(inputOf(d)), announce: (cal) => `${cal.name} was added.` });
  return (
    <Editor label="New calendar" {...form.editorProps} saveLabel="Add calendar">
      <FormHeading title="New calendar">When your team works. SLA policies count their targets only in these hours.</FormHeading>
      <CalendarFields draft={form.draft} setDraft={form.setDraft} errors={form.errors} />
      <SaveError title="The calendar was not added" message={form.general} />
    </Editor>
  );
}

const hoursText = (minutes: number) => (minutes >= 7 * 1440 ? "24×7" : `${Math.round(minutes / 60)} h a week`);

export function BusinessHoursPage() {
  const collection = useAdminCollection({ query: useCalendars(), queryKey: slaKeys.calendars, alsoRefresh: [slaKeys.policies], path: "/admin/business-hours", noun: "calendar", order: byName });
  return (
    <AdminCollectionPage
      collection={collection}
      description="The calendars SLA policies count in: time zone, working hours per day and holidays."
      row={(c) => ({
        lead: <IconCalendarTime size={20} stroke={1.5} color="var(--mantine-color-gray-6)" aria-hidden="true" />,
        title: c.name,
        sub: `${c.time_zone} · ${hoursText(c.weekly_business_minutes)}${c.holidays.length ? ` · ${c.holidays.length} holiday${c.holidays.length === 1 ? "" : "s"}` : ""}`,
        badge: c.is_default ? <Tag>Default</Tag> : c.policies.length ? <Tag color="indigo">{c.policies.length === 1 ? "1 policy" : `${c.policies.length} policies`}</Tag> : null,
      })}
      editor={(c) => <CalendarEditor key={`${c.id}-${c.updated_at}`} calendar={c} collection={collection} />}
      creator={() => <NewCalendarEditor collection={collection} />}
      pick="Set its time zone, the working hours of each day and its holidays. SLA targets count only in working hours."
      skeleton={200}
    />
  );
}
