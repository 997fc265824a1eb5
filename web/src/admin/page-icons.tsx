/** Each admin page's icon: small in the settings nav, large where its editor pane waits for a pick. */
import {
  IconAlertTriangle,
  IconBolt,
  IconBuilding,
  IconCalendarTime,
  IconCategory,
  IconClockExclamation,
  IconForms,
  IconGridDots,
  IconHandStop,
  IconInbox,
  IconMailCog,
  IconMailExclamation,
  IconMessageShare,
  IconProgressCheck,
  IconSend,
  IconShieldCheck,
  IconStack2,
  IconUser,
  IconUsersGroup,
  type Icon,
} from "@tabler/icons-react";
import type { ReactNode } from "react";

const ICONS: Record<string, Icon> = {
  users: IconUser,
  teams: IconUsersGroup,
  organizations: IconBuilding,
  categories: IconCategory,
  "priority-matrix": IconGridDots,
  "custom-fields": IconForms,
  statuses: IconProgressCheck,
  "canned-replies": IconMessageShare,
  macros: IconBolt,
  "business-hours": IconCalendarTime,
  "sla-policies": IconClockExclamation,
  mailboxes: IconInbox,
  "failed-mail": IconMailExclamation,
  "held-mail": IconHandStop,
  "outgoing-mail": IconSend,
  "mail-templates": IconMailCog,
  alerts: IconAlertTriangle,
  "background-jobs": IconStack2,
  "audit-log": IconShieldCheck,
};

/** The pages' icons at the nav's size, by their address under /admin. */
export const PAGE_ICONS: Record<string, ReactNode> = Object.fromEntries(Object.entries(ICONS).map(([path, PageIcon]) => [path, <PageIcon key={path} size={16} aria-hidden="true" />]));

/** A page's icon in an empty editor pane, by its address ("/admin/teams"). */
export function PaneIcon({ path }: { path: string }) {
  const PageIcon = ICONS[path.replace(/^\/admin\//, "")];
  return PageIcon ? <PageIcon size={32} stroke={1.5} /> : null;
}
