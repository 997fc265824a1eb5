/**
 * Admin settings at /admin, for admins only: the settings nav (with search) on the left, the
 * page on the right. Every page is a list beside an editor with an explicit Save. Addresses:
 *   /admin/users/:id|new  /admin/teams/:id|new  /admin/organizations/:id|new
 *   /admin/categories/:id|new  /admin/priority-matrix  /admin/custom-fields/:id|new
 *   /admin/statuses/:key|new-status ("new" is the key of a built-in status)
 *   /admin/business-hours/:id|new  /admin/sla-policies/:id|new|settings
 *   /admin/mailboxes/:id|new  /admin/failed-mail/:id  /admin/held-mail/:id  /admin/outgoing-mail/:id
 *   /admin/mail-templates/:kind  /admin/alerts  /admin/audit-log/:id
 */
import { Button, Center, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { IconLock, IconMapPinQuestion } from "@tabler/icons-react";
import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { Link, Navigate, Route, Routes } from "react-router";
import { useSignedInUser } from "../api/queries.ts";
import { AppFrame, type NavItem } from "../app/app-frame.tsx";
import { RequireSignIn } from "../app/guards.tsx";
import { CannedRepliesPage } from "./canned-replies-page.tsx";
import { CategoriesPage } from "./categories-page.tsx";
import { CustomFieldsPage } from "./custom-fields-page.tsx";
import { EmptyEditor, usePageTitle } from "./layout.tsx";
import { MacrosPage } from "./macros-page.tsx";
import { OrganizationsPage } from "./organizations-page.tsx";
import { PriorityMatrixPage } from "./priority-matrix-page.tsx";
import { PAGE_ICONS } from "./page-icons.tsx";
import { SettingsNav } from "./settings-nav.tsx";
import { SETTINGS_PAGES } from "./settings.ts";
import { StatusesPage } from "./statuses-page.tsx";
import { TeamsPage } from "./teams-page.tsx";
import { UsersPage } from "./users-page.tsx";
import classes from "./admin.module.css";

function PageLoading() {
  return (
    <Center mih="40vh" aria-busy="true">
      <Loader size="sm" aria-label="Loading" />
    </Center>
  );
}

/**
 * A page whose code loads when it is opened: the email, alert, audit and SLA pages are opened
 * rarely. Meanwhile it shows `fallback`.
 */
function lazyPage(load: () => Promise<ComponentType>, fallback: ReactNode = <PageLoading />): ComponentType {
  const Page = lazy(async () => ({ default: await load() }));
  return function LazyPage() {
    return (
      <Suspense fallback={fallback}>
        <Page />
      </Suspense>
    );
  };
}

/** Each settings page by its address under /admin; `itemId` names the item picked in its list. */
const PAGES: Array<[path: string, page: ComponentType]> = [
  ["users/:userId?", UsersPage],
  ["teams/:itemId?", TeamsPage],
  ["organizations/:itemId?", OrganizationsPage],
  ["categories/:itemId?", CategoriesPage],
  ["priority-matrix", PriorityMatrixPage],
  ["custom-fields/:itemId?", CustomFieldsPage],
  ["statuses/:itemId?", StatusesPage],
  ["canned-replies/:itemId?", CannedRepliesPage],
  ["macros/:itemId?", MacrosPage],
  ["business-hours/:itemId?", lazyPage(async () => (await import("./business-hours-page.tsx")).BusinessHoursPage, null)],
  ["sla-policies/:itemId?", lazyPage(async () => (await import("./sla-policies-page.tsx")).SlaPoliciesPage, null)],
  ["mailboxes/:itemId?", lazyPage(async () => (await import("./mailboxes-page.tsx")).MailboxesPage)],
  ["failed-mail/:itemId?", lazyPage(async () => (await import("./failed-mail-page.tsx")).FailedMailPage)],
  ["held-mail/:itemId?", lazyPage(async () => (await import("./held-mail-page.tsx")).HeldMailPage)],
  ["outgoing-mail/:itemId?", lazyPage(async () => (await import("./outgoing-mail-page.tsx")).OutgoingMailPage)],
  ["mail-templates/:itemId?", lazyPage(async () => (await import("./mail-templates-page.tsx")).MailTemplatesPage)],
  ["alerts", lazyPage(async () => (await import("./alerts-page.tsx")).AlertsPage)],
  ["background-jobs", lazyPage(async () => (await import("./background-jobs-page.tsx")).BackgroundJobsPage)],
  ["audit-log/:itemId?", lazyPage(async () => (await import("./audit-log-page.tsx")).AuditLogPage)],
];

/** On a phone the settings nav is the header's menu. */
const MENU: NavItem[] = SETTINGS_PAGES.map((p) => ({ label: p.label, to: `/admin/${p.path}`, icon: PAGE_ICONS[p.path], menuOnly: true }));

/** What anyone but an admin sees at /admin: who it is for, and where to go instead. */
function AdminsOnly() {
  const me = useSignedInUser();
  usePageTitle("Admins only");
  const staff = me.role !== "requester";
  return (
    <Center mih="70vh" p="md">
      <Paper p="xl" maw={480}>
        <Stack gap="sm" align="flex-start">
          <IconLock size={28} stroke={1.6} color="var(--mantine-color-gray-6)" aria-hidden="true" />
          <Title order={1} fz={20}>
            Admin settings
          </Title>
          <Text size="sm" fw={500}>
            For administrators.
          </Text>
          <Text size="sm" c="dimmed">
            Your account ({me.email}) is {me.role === "agent" ? "an" : "a"} {me.role} account, so it does not have access to this area. An administrator of your desk can change these settings for you,
            or give your account the admin role.
          </Text>
          <Button component={Link} to={staff ? "/agent" : "/"} mt="xs">
            {staff ? "Go to the agent workspace" : "Go to the support portal"}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}

function AdminOnly({ children }: { children: ReactNode }) {
  const me = useSignedInUser();
  if (me.role === "admin") return <>{children}</>;
  return (
    <AppFrame area="Admin" home="/admin" nav={[]}>
      <AdminsOnly />
    </AppFrame>
  );
}

function NoSuchSetting() {
  usePageTitle("Not found");
  return (
    <EmptyEditor icon={<IconMapPinQuestion size={32} stroke={1.5} />} title="There is no setting at this address">
      It may have been mistyped. Pick a page from the settings on the left, or search them.
    </EmptyEditor>
  );
}

function Settings() {
  return (
    <AppFrame area="Admin" home="/admin" fluid nav={MENU}>
      <div className={classes.admin}>
        <div className={classes.navColumn}>
          <SettingsNav />
        </div>
        <div className={classes.pageColumn}>
          <Routes>
            <Route index element={<Navigate to="users" replace />} />
            {PAGES.map(([path, Page]) => (
              <Route key={path} path={path} element={<Page />} />
            ))}
            <Route path="*" element={<NoSuchSetting />} />
          </Routes>
        </div>
      </div>
    </AppFrame>
  );
}

export function AdminApp() {
  return (
    <RequireSignIn>
      <AdminOnly>
        <Settings />
      </AdminOnly>
    </RequireSignIn>
  );
}
