/** The request catalog as requesters see it: top-level categories, each with an icon and a line. */
import type { Category } from "@tessera/contracts";
import {
  IconApps,
  IconBuilding,
  IconCash,
  IconDeviceLaptop,
  IconDeviceMobile,
  IconKey,
  IconLifebuoy,
  IconMail,
  IconPrinter,
  IconShieldLock,
  IconUsers,
  IconWifi,
  type Icon,
} from "@tabler/icons-react";

const ICONS: Array<[RegExp, Icon]> = [
  [/access|account|password|login|permission|identity/i, IconKey],
  [/network|wi-?fi|vpn|internet|connect/i, IconWifi],
  [/mail|calendar/i, IconMail],
  [/print/i, IconPrinter],
  [/phone|mobile/i, IconDeviceMobile],
  [/hardware|laptop|computer|device|equipment|monitor/i, IconDeviceLaptop],
  [/software|app|licen[cs]e|tool/i, IconApps],
  [/security|phish|virus/i, IconShieldLock],
  [/\bhr\b|people|payroll|leave|onboard|benefit/i, IconUsers],
  [/facilit|office|building|desk|room|clean/i, IconBuilding],
  [/financ|expense|invoice|purchas/i, IconCash],
];

export function categoryIcon(name: string): Icon {
  return ICONS.find(([re]) => re.test(name))?.[1] ?? IconLifebuoy;
}

export interface CatalogItem {
  category: Category;
  /** Its subcategories, to describe what it covers. */
  children: Category[];
}

/** Top-level active categories in name order, each with its active subcategories. */
export function catalogOf(categories: Category[]): CatalogItem[] {
  return categories
    .filter((c) => c.parent_id === null && c.active)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((category) => ({ category, children: categories.filter((c) => c.parent_id === category.id && c.active) }));
}

export function describe(item: CatalogItem): string {
  if (!item.children.length) return `Problems and questions about ${item.category.name}`;
  const names = item.children.map((c) => c.name);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and more`;
}
