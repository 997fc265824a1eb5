/** How alerts become incidents: severity → priority, auto-resolve, the team that gets them. */
import type { AlertSettings } from "@tessera/contracts";
import type { Executor } from "../context.ts";
import { getSetting, putSetting } from "../settings/store.ts";
import { assertTeamExists } from "../people/teams.ts";

const KEY = "alerts.settings";

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  // The words Alertmanager rules, Zabbix, Nagios and most monitoring tools use.
  severity_priorities: {
    critical: "P1",
    disaster: "P1",
    page: "P1",
    high: "P2",
    error: "P2",
    major: "P2",
    warning: "P3",
    average: "P3",
    minor: "P3",
    info: "P4",
    information: "P4",
    low: "P4",
    none: "P4",
  },
  default_priority: "P3",
  resolve_on_resolved: false,
  team_id: null,
};

export async function loadAlertSettings(db: Executor): Promise<AlertSettings> {
  return { ...DEFAULT_ALERT_SETTINGS, ...((await getSetting<Partial<AlertSettings>>(db, KEY)) ?? {}) };
}

export async function saveAlertSettings(db: Executor, s: AlertSettings, now: string): Promise<void> {
  await assertTeamExists(db, "team_id", s.team_id);
  await putSetting(db, KEY, s, now);
}

export const priorityFor = (s: AlertSettings, severity: string) => s.severity_priorities[severity.trim().toLowerCase()] ?? s.default_priority;
