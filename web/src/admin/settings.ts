/**
 * The admin pages and the settings each one holds, in the words an admin would search for.
 * The settings nav lists the pages and searches this index (plus the desk's own teams,
 * categories, organizations, fields and statuses).
 */

/** The nav's groups, in the order it lists them. */
export const SETTINGS_SECTIONS = ["People", "Tickets", "Service levels", "Email & alerts", "Security"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export interface SettingsPage {
  /** The address under /admin. */
  path: string;
  label: string;
  section: SettingsSection;
  /** What can be done there, each phrase searchable and shown as the hint of a match. */
  settings: string[];
  /** More words that should find the page. */
  words: string[];
}

export const SETTINGS_PAGES: SettingsPage[] = [
  {
    path: "users",
    label: "Users and roles",
    section: "People",
    settings: ["Add a user", "Change a role", "Disable or enable an account", "Set a password", "Organization of a person", "Last sign-in"],
    words: ["people", "person", "agent", "requester", "supervisor", "admin", "account", "email", "staff", "sessions", "tokens", "login"],
  },
  {
    path: "teams",
    label: "Teams and members",
    section: "People",
    settings: ["Create a team", "Rename a team", "Add or remove members"],
    words: ["group", "queue", "agents", "membership"],
  },
  {
    path: "organizations",
    label: "Organizations",
    section: "People",
    settings: ["Add an organization", "Email domain", "Share tickets among members"],
    words: ["company", "customer", "client", "department", "domain", "sharing"],
  },
  {
    path: "categories",
    label: "Categories",
    section: "Tickets",
    settings: ["Category tree", "Default team", "Default ticket type", "Deactivate a category", "Subcategories"],
    words: ["topic", "catalog", "routing", "parent", "incident", "service request"],
  },
  {
    path: "priority-matrix",
    label: "Priority matrix",
    section: "Tickets",
    settings: ["Impact × urgency", "P1 to P4"],
    words: ["priority", "impact", "urgency", "critical", "high", "medium", "low", "p1", "p2", "p3", "p4"],
  },
  {
    path: "custom-fields",
    label: "Custom fields",
    section: "Tickets",
    settings: ["Add a field", "Options of a select field", "Required fields", "Visible to requesters", "Deactivate a field"],
    words: ["form", "text", "number", "date", "checkbox", "dropdown", "boolean", "asset"],
  },
  {
    path: "statuses",
    label: "Statuses",
    section: "Tickets",
    settings: ["Add a status", "Rename a status", "Requester label", "Retire a status"],
    words: ["workflow", "state", "on hold", "pending", "resolved", "closed", "waiting"],
  },
  {
    path: "canned-replies",
    label: "Canned replies",
    section: "Tickets",
    settings: ["Add a canned reply", "Share a reply with a team", "Placeholders such as the requester's first name"],
    words: ["template", "snippet", "saved reply", "answer", "text", "response", "slash"],
  },
  {
    path: "macros",
    label: "Macros",
    section: "Tickets",
    settings: ["Add a macro", "Share a macro with a team", "Status, priority, assignee, tags, reply and note in one step"],
    words: ["automation", "bulk", "one click", "action", "template", "shortcut"],
  },
  {
    path: "mailboxes",
    label: "Mailboxes",
    section: "Email & alerts",
    settings: ["Add a mailbox", "IMAP server and password", "Mailbox health and last error", "Default team for email", "Restrict who may open tickets by email", "Import old mail"],
    words: ["email", "mail", "inbox", "imap", "smtp", "address", "fetch", "poll", "lag", "senders", "allow list"],
  },
  {
    path: "failed-mail",
    label: "Failed mail",
    section: "Email & alerts",
    settings: ["Download the original .eml", "Re-process a message", "Discard a message"],
    words: ["email", "mail", "quarantine", "unparseable", "broken", "error", "rejected"],
  },
  {
    path: "held-mail",
    label: "Held mail",
    section: "Email & alerts",
    settings: ["Accept a stranger's reply", "Reject a held message"],
    words: ["email", "mail", "stranger", "unknown sender", "moderation", "review", "spoof"],
  },
  {
    path: "outgoing-mail",
    label: "Outgoing mail",
    section: "Email & alerts",
    settings: ["Outbox", "Retry a failed message", "Mail server status", "Automatic answers per hour"],
    words: ["email", "mail", "smtp", "send", "delivery", "queue", "bounce", "notification", "auto reply"],
  },
  {
    path: "mail-templates",
    label: "Mail templates",
    section: "Email & alerts",
    settings: ["Acknowledgement mail", "Reply mail", "Resolved mail", "Preview a template", "Back to the default template"],
    words: ["email", "mail", "template", "mustache", "placeholder", "subject", "notification", "wording"],
  },
  {
    path: "alerts",
    label: "Monitoring alerts",
    section: "Email & alerts",
    settings: ["Alert token", "Severity to priority", "Resolve when the alert clears", "Team for alert incidents"],
    words: ["alertmanager", "prometheus", "webhook", "zabbix", "monitoring", "incident", "integration", "curl"],
  },
  {
    path: "background-jobs",
    label: "Background jobs",
    section: "Email & alerts",
    settings: ["Failed jobs and their errors", "Retry a failed job", "Discard a failed job"],
    words: ["job", "queue", "worker", "dead letter", "retry", "failed", "background", "webhook", "outbox"],
  },
  {
    path: "business-hours",
    label: "Business hours",
    section: "Service levels",
    settings: ["Add a calendar", "Time zone of a calendar", "Working hours per day", "Overnight shifts", "Holidays"],
    words: ["sla", "calendar", "opening hours", "office hours", "schedule", "shift", "weekend", "bank holiday", "timezone"],
  },
  {
    path: "sla-policies",
    label: "SLA policies",
    section: "Service levels",
    settings: [
      "Add an SLA policy",
      "First response target",
      "Next response target",
      "Resolution target",
      "Escalation at a warning or breach",
      "Pause the clock while waiting",
      "Auto-close resolved tickets",
    ],
    words: ["sla", "deadline", "due", "target", "breach", "warning", "escalate", "response time", "ola", "auto close", "order of policies"],
  },
  {
    path: "audit-log",
    label: "Audit log",
    section: "Security",
    settings: ["Who signed in, and failed sign-ins", "Role and password changes", "Setting changes before and after", "API token use"],
    words: ["audit", "log", "history", "security", "login", "sign-in", "ip address", "browser", "who changed", "compliance"],
  },
];

/** The name of the page at `path` ("/admin/teams"), as the nav lists it and the page's header shows it. */
export function pageLabel(path: string): string | undefined {
  return SETTINGS_PAGES.find((p) => `/admin/${p.path}` === path)?.label;
}

export interface SearchResult {
  key: string;
  label: string;
  hint: string;
  to: string;
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "");

/** Every word of the query is found in the text (so "def team" finds "Default team"). */
export function matches(query: string, text: string): boolean {
  const hay = norm(text);
  return norm(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/** Pages whose name, settings or words match, each with the setting that matched as its hint. */
export function searchPages(query: string): SearchResult[] {
  const out: SearchResult[] = [];
  for (const page of SETTINGS_PAGES) {
    const setting = page.settings.find((s) => matches(query, s));
    if (matches(query, page.label)) out.push({ key: page.path, label: page.label, hint: page.section, to: `/admin/${page.path}` });
    else if (setting) out.push({ key: page.path, label: page.label, hint: setting, to: `/admin/${page.path}` });
    else if (matches(query, [page.label, ...page.settings, ...page.words].join(" "))) out.push({ key: page.path, label: page.label, hint: page.settings[0], to: `/admin/${page.path}` });
  }
  return out;
}
