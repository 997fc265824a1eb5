/**
 * The agent workspace at /agent: views on the left, the list in the middle, the open ticket
 * (conversation and details) on the right. Addresses:
 *   /agent/views/:view              a view's list, full width (table mode)
 *   /agent/views/:view/:ticket      the list beside an open ticket
 *   /agent/tickets/:ticket          a ticket from a link or notification (opens beside the last view)
 *   /agent/new                      a ticket filed for a requester
 */
import { Box, Button, Center, Group, Loader, Paper, Skeleton, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useDisclosure, useLocalStorage } from "@mantine/hooks";
import { IconKeyboard, IconLayoutSidebarLeftCollapse, IconLayoutSidebarLeftExpand, IconPlus, IconSearch } from "@tabler/icons-react";
import type { TicketSummary } from "@tessera/contracts";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Link, Navigate, Route, Routes, useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { useViews } from "../api/agent-queries.ts";
import { useSignedInUser } from "../api/queries.ts";
import { AppFrame } from "../app/app-frame.tsx";
import { RequireSignIn } from "../app/guards.tsx";
import { NotFoundPage } from "../app/not-found-page.tsx";
import { useOpenedOnce } from "../ui/opened-once.ts";
import { Drawer, loadOverlays } from "../ui/overlays.tsx";
import { FirstSteps } from "./first-steps.tsx";
import { ListDivider, useListWidth } from "./list/list-divider.tsx";
import { LiveProvider } from "./live.tsx";
import { loadReplyTools } from "./macros/macro-tools.tsx";
import { NotificationBell } from "./bell/notification-bell.tsx";
import { useShortcuts } from "./shortcuts.tsx";
import { loadBulkBar, loadFilterPanel, TicketList } from "./list/ticket-list.tsx";
import { setPageTitle } from "./title.ts";
import { loadSaveViewModal, SaveViewModal, ViewNav } from "./list/view-nav.tsx";
import { builtinViews, savedViewDef, withOverrides, type ViewDef } from "./list/views.ts";
import classes from "./workspace.module.css";
import { whenSettled } from "../ui/idle.ts";
import { LAST_VIEW } from "../app/last-view.ts";
import { preloadable } from "../ui/preloadable.tsx";

// The ticket view (conversation, composer, details) and the new-ticket form load on first use,
// and in the background once the list is on screen: the first screen needs neither.
// A ticket opened from a link waits for its pane's code with the workspace's (routes.tsx), so
// that the pane shows in the workspace's first screen.
const TicketPane = preloadable(() => import("./ticket/ticket-pane.tsx").then((m) => m.TicketPane));
export const loadTicketPane = TicketPane.preload;
const NewTicketPage = lazy(() => import("./new-ticket-page.tsx").then((m) => ({ default: m.NewTicketPage })));
// The command palette (Ctrl+K) and the shortcut sheet (?) load when first opened, and in the
// background once the workspace is idle, so that the keys answer at once.
const loadCommandPalette = () => import("./command-palette.tsx");
const CommandPalette = lazy(() => loadCommandPalette().then((m) => ({ default: m.CommandPalette })));
const loadShortcutSheet = () => import("./shortcut-sheet.tsx");
const ShortcutSheet = lazy(() => loadShortcutSheet().then((m) => ({ default: m.ShortcutSheet })));

function PaneLoading() {
  return (
    <Box p="md" aria-busy="true" aria-label="Loading" h="100%" bg="white">
      <Skeleton height={12} width={90} mb={10} />
      <Skeleton height={22} width="60%" mb="lg" />
      <Skeleton height={140} />
    </Box>
  );
}

function useAllViews(): { builtin: ViewDef[]; saved: ViewDef[]; loading: boolean } {
  const me = useSignedInUser();
  const views = useViews();
  return useMemo(() => ({ builtin: builtinViews(me), saved: (views.data ?? []).map(savedViewDef), loading: views.isPending }), [me, views.data, views.isPending]);
}

function ViewPage({ onOpenNav, saveView, navHidden }: { onOpenNav: () => void; saveView: (filters: Record<string, string>, sort: string) => void; navHidden: boolean }) {
  const { viewId = "mine", ticketKey } = useParams();
  const [main, setMain] = useState<HTMLDivElement | null>(null);
  const listWidth = useListWidth(main, navHidden);
  const [params] = useSearchParams();
  const { builtin, saved, loading } = useAllViews();
  const view = [...builtin, ...saved].find((v) => v.id === viewId);
  const listRef = useRef<TicketSummary[]>([]);
  useEffect(() => {
    if (view) {
      sessionStorage.setItem(LAST_VIEW, view.id);
      if (!ticketKey) setPageTitle(`${view.name} · Tessera`);
    }
  }, [view, ticketKey]);
  const overrides = useMemo(() => (view ? withOverrides(view, params) : null), [view, params]);

  if (!view || !overrides) {
    if (loading) {
      return (
        <Center h="100%">
          <Loader size="sm" aria-label="Loading" />
        </Center>
      );
    }
    return (
      <Center h="100%" p="md">
        <Stack align="center" gap="xs">
          <Title order={1} fz="md">
            This view does not exist
          </Title>
          <Text size="sm" c="dimmed">
            It may have been deleted, or it is shared with a team you are not in.
          </Text>
          <Button component={Link} to="/agent/views/mine" variant="light" size="xs">
            Go to my open tickets
          </Button>
        </Stack>
      </Center>
    );
  }
  const search = params.toString() ? `?${params}` : "";
  return (
    <div ref={setMain} className={classes.main} data-ticket={ticketKey ? "" : undefined} style={{ "--list-width": `${listWidth.width}px` } as React.CSSProperties}>
      <div className={classes.listColumn} id="ticket-list-column">
        <Group px="sm" pt={6} gap={4} hiddenFrom="md">
          <Button size="compact-xs" variant="subtle" color="gray" onClick={onOpenNav} leftSection={<IconLayoutSidebarLeftExpand size={14} />}>
            All views
          </Button>
        </Group>
        <TicketList
          view={view}
          filters={overrides.filters}
          sort={overrides.sort}
          modified={overrides.modified}
          activeKey={ticketKey}
          listRef={listRef}
          onSaveView={() => saveView(overrides.filters, overrides.sort)}
        />
      </div>
      {ticketKey && <ListDivider list={listWidth} controls="ticket-list-column" />}
      {ticketKey && (
        <div className={classes.ticketColumn}>
          <Suspense fallback={<PaneLoading />}>
            <TicketPane key={ticketKey} ticketKey={ticketKey} closeHref={`/agent/views/${view.id}${search}`} />
          </Suspense>
        </div>
      )}
    </div>
  );
}

/** A ticket opened from a link: shown beside the view the agent used last. */
function TicketRedirect() {
  const { ticketKey = "" } = useParams();
  const last = sessionStorage.getItem(LAST_VIEW) ?? "mine";
  return <Navigate to={`/agent/views/${last}/${encodeURIComponent(ticketKey)}`} replace />;
}

function Workspace() {
  const navigate = useNavigate();
  const location = useLocation();
  const [navHidden, setNavHidden] = useLocalStorage({ key: "tessera.agent.navHidden", defaultValue: false });
  const [sheet, sheetControls] = useDisclosure(false);
  const [mobileNav, mobileNavControls] = useDisclosure(false);
  const [saving, setSaving] = useState<{ filters: Record<string, string>; sort: string } | null>(null);
  const [palette, paletteControls] = useDisclosure(false);
  // Ctrl/Cmd+K opens the command palette from anywhere, fields included.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        paletteControls.toggle();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [paletteControls]);
  const { builtin, saved } = useAllViews();
  const sheetMounted = useOpenedOnce(sheet);
  const paletteMounted = useOpenedOnce(palette);
  const savingMounted = useOpenedOnce(!!saving);
  const goPending = useRef(false);

  useEffect(() => mobileNavControls.close(), [location.pathname, mobileNavControls]);
  useEffect(
    () =>
      whenSettled(() => {
        for (const load of [loadTicketPane, loadCommandPalette, loadShortcutSheet, loadSaveViewModal, loadBulkBar, loadFilterPanel, loadOverlays, loadReplyTools]) void load().catch(() => {});
      }),
    [],
  );

  const currentFilters = () => {
    const m = /^\/agent\/views\/([^/]+)/.exec(location.pathname);
    const view = m && [...builtin, ...saved].find((v) => v.id === m[1]);
    return view ? withOverrides(view, new URLSearchParams(location.search)) : { filters: {}, sort: "-updated_at" };
  };

  useShortcuts({
    "?": sheetControls.open,
    "[": () => setNavHidden((h) => !h),
    c: () => navigate("/agent/new"),
    "/": () => {
      const input = document.getElementById("ticket-search");
      if (input) input.focus();
      else {
        // Open the filters first when they are hidden.
        document.querySelector<HTMLButtonElement>('button[aria-label="Filters"]')?.click();
        // The fields may still be loading: focus the search box as soon as it is there.
        let tries = 0;
        const focusSearch = () => {
          const box = document.getElementById("ticket-search");
          if (box) box.focus();
          else if (++tries < 60) setTimeout(focusSearch, 50);
        };
        setTimeout(focusSearch, 50);
      }
    },
    g: () => {
      goPending.current = true;
      setTimeout(() => (goPending.current = false), 1_200);
    },
    ...Object.fromEntries(
      builtin.map((v, i) => [
        String(i + 1),
        () => {
          if (goPending.current) navigate(`/agent/views/${v.id}`);
          goPending.current = false;
        },
      ]),
    ),
  });

  const openSave = (filters: Record<string, string>, sort: string) => setSaving({ filters, sort });
  const nav = (
    <ViewNav
      builtin={builtin}
      saved={saved}
      onNewView={() => {
        const { filters, sort } = currentFilters();
        openSave(filters, sort);
      }}
    />
  );

  return (
    <AppFrame
      area="Agent workspace"
      home="/agent"
      fluid
      nav={[{ label: "Tickets", to: "/agent/views" }]}
      actions={
        <Group gap={4} wrap="nowrap">
          <Tooltip label={navHidden ? "Show views ([)" : "Hide views ([)"}>
            <Button variant="subtle" color="gray" size="compact-sm" onClick={() => setNavHidden((h) => !h)} aria-label={navHidden ? "Show views" : "Hide views"} visibleFrom="md" px={6}>
              {navHidden ? <IconLayoutSidebarLeftExpand size={18} /> : <IconLayoutSidebarLeftCollapse size={18} />}
            </Button>
          </Tooltip>
          <Tooltip label="Commands and search (Ctrl+K)">
            <Button
              variant="default"
              color="gray"
              size="compact-sm"
              onClick={paletteControls.open}
              visibleFrom="md"
              leftSection={<IconSearch size={14} />}
              fw={400}
              c="dimmed"
              w={230}
              justify="space-between"
              rightSection={
                <Text span size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
                  Ctrl K
                </Text>
              }
            >
              Search or jump to…
            </Button>
          </Tooltip>
          <Tooltip label="Keyboard shortcuts (?)">
            <Button variant="subtle" color="gray" size="compact-sm" onClick={sheetControls.open} aria-label="Keyboard shortcuts" visibleFrom="sm" px={6}>
              <IconKeyboard size={18} />
            </Button>
          </Tooltip>
          <Button component={Link} to="/agent/new" size="xs" leftSection={<IconPlus size={14} />} visibleFrom="xs" variant="light">
            New ticket
          </Button>
          <NotificationBell />
        </Group>
      }
    >
      <div className={classes.workspace} data-nav={navHidden ? "hidden" : "shown"}>
        <div className={classes.navColumn}>{nav}</div>
        <Routes>
          <Route index element={<Navigate to="views/mine" replace />} />
          <Route path="views" element={<Navigate to="mine" replace />} />
          <Route path="views/:viewId/:ticketKey?" element={<ViewPage onOpenNav={mobileNavControls.open} saveView={openSave} navHidden={navHidden} />} />
          <Route path="tickets/:ticketKey" element={<TicketRedirect />} />
          <Route
            path="new"
            element={
              <Suspense fallback={<PaneLoading />}>
                <NewTicketPage />
              </Suspense>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </div>
      <FirstSteps />
      <Drawer opened={mobileNav} onClose={mobileNavControls.close} size={260} title="Views" hiddenFrom="md">
        {nav}
      </Drawer>
      <Suspense fallback={null}>
        {sheetMounted && <ShortcutSheet opened={sheet} onClose={sheetControls.close} />}
        {paletteMounted && <CommandPalette opened={palette} onClose={paletteControls.close} views={[...builtin, ...saved]} />}
        {savingMounted && (
          <SaveViewModal opened={!!saving} onClose={() => setSaving(null)} filters={saving?.filters ?? {}} sort={saving?.sort ?? ""} onSaved={(v) => navigate(`/agent/views/s${v.id}`)} />
        )}
      </Suspense>
    </AppFrame>
  );
}

function StaffOnly({ children }: { children: React.ReactNode }) {
  const me = useSignedInUser();
  useEffect(() => {
    if (me.role === "requester") setPageTitle("Agent workspace · Tessera");
  }, [me.role]);
  if (me.role !== "requester") return <>{children}</>;
  return (
    <Center mih="70vh" p="md" component="main">
      <Paper p="xl" maw={440}>
        <Stack gap="sm" align="flex-start">
          <Title order={1} fz={20}>
            The agent workspace is for the support team
          </Title>
          <Text size="sm" c="dimmed">
            Your account ({me.email}) is a requester account. Your requests and replies are in the support portal.
          </Text>
          <Button component={Link} to="/">
            Go to the support portal
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}

export function AgentApp() {
  return (
    <RequireSignIn>
      <StaffOnly>
        <LiveProvider>
          <Workspace />
        </LiveProvider>
      </StaffOnly>
    </RequireSignIn>
  );
}
