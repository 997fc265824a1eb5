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
import { lazy, Suspense, type ReactNode } from "react";
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
import { PAGE_ICONS, SettingsNav } from "./settings-nav.tsx";
import { SETTINGS_PAGES } from "./settings.ts";
import { StatusesPage } from "./statuses-page.tsx";
import { TeamsPage } from "./teams-page.tsx";
import { UsersPage } from "./users-page.tsx";
import classes from "./admin.module.css";

// The SLA pages are opened rarely: their code loads when one of them is.
const BusinessHoursPage = lazy(async () => ({ default: (await import("./business-hours-page.tsx")).BusinessHoursPage }));
const SlaPoliciesPage = lazy(async () => ({ default: (await import("./sla-policies-page.tsx")).SlaPoliciesPage }));

// Email and alert settings are opened rarely: their code loads when one of them is.
const MailboxesPage = lazy(async () => ({ default: (await import("./mailboxes-page.tsx")).MailboxesPage }));
const FailedMailPage = lazy(async () => ({ default: (await import("./failed-mail-page.tsx")).FailedMailPage }));
const HeldMailPage = lazy(async () => ({ default: (await import("./held-mail-page.tsx")).HeldMailPage }));
const OutgoingMailPage = lazy(async () => ({ default: (await import("./outgoing-mail-page.tsx")).OutgoingMailPage }));
const MailTemplatesPage = lazy(async () => ({ default: (await import("./mail-templates-page.tsx")).MailTemplatesPage }));
const AlertsPage = lazy(async () => ({ default: (await import("./alerts-page.tsx")).AlertsPage }));
// The audit log is read now and then, by admins looking into something: loaded when opened.
const AuditLogPage = lazy(async () => ({ default: (await import("./audit-log-page.tsx")).AuditLogPage }));
const BackgroundJobsPage = lazy(async () => ({ default: (await import("./background-jobs-page.tsx")).BackgroundJobsPage }));

function PageLoading() {
  return (
    <Center mih="40vh" aria-busy="true">
      <Loader size="sm" aria-label="Loading" />
    </Center>
  );
}

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
            <Route path="users/:userId?" element={<UsersPage />} />
            <Route path="teams/:teamId?" element={<TeamsPage />} />
            <Route path="organizations/:organizationId?" element={<OrganizationsPage />} />
            <Route path="categories/:categoryId?" element={<CategoriesPage />} />
            <Route path="priority-matrix" element={<PriorityMatrixPage />} />
            <Route path="custom-fields/:fieldId?" element={<CustomFieldsPage />} />
            <Route path="statuses/:statusKey?" element={<StatusesPage />} />
            <Route path="canned-replies/:itemId?" element={<CannedRepliesPage />} />
            <Route path="macros/:itemId?" element={<MacrosPage />} />
            <Route
              path="business-hours/:calendarId?"
              element={
                <Suspense fallback={null}>
                  <BusinessHoursPage />
                </Suspense>
              }
            />
            <Route
              path="sla-policies/:policyId?"
              element={
                <Suspense fallback={null}>
                  <SlaPoliciesPage />
                </Suspense>
              }
            />
            <Route
              path="mailboxes/:mailboxId?"
              element={
                <Suspense fallback={<PageLoading />}>
                  <MailboxesPage />
                </Suspense>
              }
            />
            <Route
              path="failed-mail/:failedId?"
              element={
                <Suspense fallback={<PageLoading />}>
                  <FailedMailPage />
                </Suspense>
              }
            />
            <Route
              path="held-mail/:heldId?"
              element={
                <Suspense fallback={<PageLoading />}>
                  <HeldMailPage />
                </Suspense>
              }
            />
            <Route
              path="outgoing-mail/:outboxId?"
              element={
                <Suspense fallback={<PageLoading />}>
                  <OutgoingMailPage />
                </Suspense>
              }
            />
            <Route
              path="mail-templates/:kind?"
              element={
                <Suspense fallback={<PageLoading />}>
                  <MailTemplatesPage />
                </Suspense>
              }
            />
            <Route
              path="alerts"
              element={
                <Suspense fallback={<PageLoading />}>
                  <AlertsPage />
                </Suspense>
              }
            />
            <Route
              path="background-jobs"
              element={
                <Suspense fallback={<PageLoading />}>
                  <BackgroundJobsPage />
                </Suspense>
              }
            />
            <Route
              path="audit-log/:entryId?"
              element={
                <Suspense fallback={<PageLoading />}>
                  <AuditLogPage />
                </Suspense>
              }
            />
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
