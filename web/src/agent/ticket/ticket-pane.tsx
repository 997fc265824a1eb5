/**
 * One open ticket: a header (reference, subject, status, SLA, who else is here, Take it, Resolve),
 * the timeline with the composer docked under it, and the details panel on the right. Loaded
 * by reference; kept current by the live stream.
 */
import { ActionIcon, Anchor, Box, Button, CopyButton, Group, Kbd, Menu, Skeleton, Stack, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { IconArrowLeft, IconBolt, IconCheck, IconCircleCheck, IconCopy, IconDots, IconGitMerge, IconLayoutSidebarRight, IconLink, IconMoon, IconUserCheck, IconX } from "@tabler/icons-react";
import { useMediaQuery } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import type { Comment, LinkKind, Ticket } from "@tessera/contracts";
import { Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { isNotFound } from "../../api/client.ts";
import { addLink, mergeTicket, removeLink, splitTicket } from "../../api/agent.ts";
import { agentKeys, patchListRows, useAgentComments, useAgentTicket, useDirectory, useStaff, useStatuses, useTeams, useTicketEvents } from "../../api/agent-queries.ts";
import { keys, useCategories, useCustomFields, useSignedInUser } from "../../api/queries.ts";
import { errorMessage, LoadError } from "../../ui/query-state.tsx";
import type { DetailsHandle } from "./details-panel.tsx";
import {
  Composer,
  composerPlaceholder,
  DetailsPanel,
  detailsPlaceholder,
  HeldBanner,
  HeldCopiesBanner,
  LinkDialog,
  loadTicketActions,
  MergeDialog,
  ResolveDialog,
  SplitDialog,
  useComposerOpener,
} from "./lazy-parts.tsx";
import { PresenceAvatars, usePresenceHeartbeat } from "./presence.tsx";
import { markSeen } from "../list/seen.ts";
import { setPageTitle } from "../title.ts";
import { useShortcuts } from "../shortcuts.tsx";
import { StatusBadge } from "./status.tsx";
import { useTicketChanges } from "./ticket-changes.tsx";
import { Timeline } from "../timeline/timeline.tsx";
import classes from "./ticket-pane.module.css";
import { toast } from "../toast.ts";
import { openReplyTool } from "../macros/macro-tools.tsx";
import { SnoozeBadge } from "../snooze/snooze-badge.tsx";
import { SlaBadge } from "../sla/sla-badge.tsx";
import { nextInView, ticketInViewHref } from "../composer/send-and-next.ts";
import { useOpenedOnce } from "../../ui/opened-once.ts";
import { Drawer, loadOverlays } from "../../ui/overlays.tsx";
import { useHeldMail, useTicketHeldCopies, useTicketMail } from "../../api/mail.ts";
import { whenSettled } from "../../ui/idle.ts";

const NONE: never[] = []; // for answers still on their way: the memoised timeline then sees the same props

function PaneSkeleton() {
  return (
    <div className={classes.pane} aria-busy="true" aria-label="Loading the ticket">
      <div className={classes.conversation}>
        <Box p="md">
          <Skeleton height={12} width={90} mb={10} />
          <Skeleton height={22} width="70%" mb="lg" />
          <Skeleton height={120} mb="md" />
          <Skeleton height={80} />
        </Box>
      </div>
      {detailsPlaceholder}
    </div>
  );
}

function SubjectEditor({ ticket, onSave }: { ticket: Ticket; onSave: (subject: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(ticket.subject);
  if (!editing) {
    return (
      <Title
        order={2}
        className={classes.subject}
        onClick={() => {
          setValue(ticket.subject);
          setEditing(true);
        }}
        title="Click to edit the subject"
      >
        {ticket.subject}
      </Title>
    );
  }
  const done = (save: boolean) => {
    setEditing(false);
    if (save && value.trim() && value.trim() !== ticket.subject) onSave(value.trim());
  };
  return (
    <TextInput
      aria-label="Subject"
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      onBlur={() => done(true)}
      onKeyDown={(e) => {
        if (e.key === "Enter") done(true);
        if (e.key === "Escape") {
          e.stopPropagation();
          done(false);
        }
      }}
      maxLength={300}
      autoFocus
      size="sm"
      styles={{ input: { fontSize: 17, fontWeight: 600 } }}
    />
  );
}

export function TicketPane({ ticketKey, closeHref }: { ticketKey: string; closeHref: string }) {
  const me = useSignedInUser();
  const client = useQueryClient();
  const navigate = useNavigate();
  const ticket = useAgentTicket(ticketKey);
  const comments = useAgentComments(ticketKey);
  const events = useTicketEvents(ticketKey);
  const mail = useTicketMail(ticketKey, `${comments.data?.length ?? 0}-${events.data?.length ?? 0}`);
  // Held messages are listed desk-wide; asked for only when this ticket has one.
  const held = useHeldMail("held", !!mail.data?.some((m) => m.outcome === "held"));
  // Likewise the people copied on unproven mail, once the history shows some were held.
  const heldCopies = useTicketHeldCopies(ticketKey, !!events.data?.some((e) => e.action === "mail_copies_held"));
  const directory = useDirectory();
  const statuses = useStatuses();
  const staff = useStaff();
  const teams = useTeams();
  const categories = useCategories();
  const customFields = useCustomFields();
  const { open: openComposer, ref: composerRef } = useComposerOpener();
  const details = useRef<DetailsHandle>(null);
  const [resolving, setResolving] = useState<string | null | false>(false);
  const [linking, setLinking] = useState(false);
  const [merging, setMerging] = useState(false);
  const [splitting, setSplitting] = useState<Comment | null>(null);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const resolveMounted = useOpenedOnce(resolving !== false);
  const linkMounted = useOpenedOnce(linking);
  const mergeMounted = useOpenedOnce(merging);
  const splitMounted = useOpenedOnce(splitting !== null);
  useEffect(
    () =>
      whenSettled(() => {
        for (const load of [loadTicketActions, loadOverlays]) void load().catch(() => {});
      }),
    [],
  );
  // Wide screens show the details beside the conversation; narrower ones in a drawer. One copy
  // only, so that every field keeps one id and one label.
  const wide = useMediaQuery("(min-width: 75em)", true);

  const lookups = useMemo(
    () => ({ statuses: statuses.data ?? [], staff: staff.data ?? [], teams: teams.data ?? [], categories: categories.data ?? [] }),
    [statuses.data, staff.data, teams.data, categories.data],
  );
  const { change, conflict, dismissConflict } = useTicketChanges(ticketKey, lookups);
  const t = ticket.data;
  const setTyping = usePresenceHeartbeat(ticketKey, t?.id);

  useEffect(() => {
    if (t) {
      markSeen(t.id, t.updated_at);
      setPageTitle(`${t.reference} · ${t.subject} · Tessera`);
    }
  }, [t]);

  const focusDetail = (field: "status" | "priority" | "assignee" | "tags") => {
    if (!wide) setDetailsOpen(true);
    // On a narrow screen the drawer may still be loading: focus the field once it is there.
    let frames = 0;
    const focus = () => {
      if (details.current) details.current.focus(field);
      else if (++frames < 120) requestAnimationFrame(focus);
    };
    requestAnimationFrame(focus);
  };
  const takeIt = () => t && t.assignee?.id !== me.id && void change({ assignee_id: me.id }, "Assignee").catch(() => {});
  useShortcuts(
    {
      r: () => openComposer("reply"),
      n: () => openComposer("note"),
      i: takeIt,
      e: () => t && t.status.category !== "resolved" && t.status.category !== "closed" && setResolving(null),
      s: () => focusDetail("status"),
      p: () => focusDetail("priority"),
      a: () => focusDetail("assignee"),
      l: () => focusDetail("tags"),
      m: () => t && openReplyTool({ kind: "macro", ticketKey: t.reference }),
      z: () => t && openReplyTool({ kind: "snooze", ticketKey: t.reference }),
    },
    !!t,
  );
  // Ctrl/Cmd+Shift+J switches reply and note from anywhere on the ticket, inside fields too.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === "j") {
        e.preventDefault();
        const current = document.querySelector<HTMLElement>("form[data-mode]")?.dataset.mode;
        openComposer(current === "note" ? "reply" : "note");
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [openComposer]);

  if (ticket.isPending) return <PaneSkeleton />;
  if (ticket.isError || !t) {
    return (
      <div className={classes.paneMessage}>
        {isNotFound(ticket.error) ? (
          <Stack align="center" gap="xs" ta="center">
            <Title order={2} fz="md">
              Ticket {ticketKey} was not found
            </Title>
            <Text size="sm" c="dimmed" maw={360}>
              It does not exist, or it belongs to a team you are not in.
            </Text>
            <Button component={Link} to={closeHref} variant="light" size="xs">
              Back to the list
            </Button>
          </Stack>
        ) : (
          <LoadError error={ticket.error} onRetry={() => void ticket.refetch()} title="This ticket could not be loaded" />
        )}
      </div>
    );
  }

  const refresh = (next?: Ticket) => {
    if (next) {
      client.setQueryData(keys.ticket(ticketKey), next);
      patchListRows(client, next);
    }
    void client.invalidateQueries({ queryKey: agentKeys.events(ticketKey) });
    void client.invalidateQueries({ queryKey: agentKeys.counts });
  };
  const finished = t.status.category === "closed" || t.status.category === "cancelled";
  const resolved = t.status.category === "resolved";
  const mine = t.assignee?.id === me.id;

  const detailsPanel = (
    <Suspense fallback={detailsPlaceholder}>
      <DetailsPanel
        ref={details}
        ticket={t}
        statuses={lookups.statuses}
        staff={lookups.staff}
        teams={lookups.teams}
        categories={lookups.categories}
        customFields={customFields.data ?? []}
        conflict={conflict}
        events={events.data ?? NONE}
        onChange={(c, label) => void change(c, label).catch(() => {})}
        onResolve={(status) => setResolving(status)}
        onReapply={() => conflict && void change(conflict.mine, conflict.label).catch(() => {})}
        onDismissConflict={dismissConflict}
        onLink={() => setLinking(true)}
        onRemoveLink={(id) =>
          void removeLink(t.id, id).then(
            () => void client.invalidateQueries({ queryKey: keys.ticket(ticketKey) }).then(() => refresh()),
            (err) => toast({ color: "red", title: "The link was not removed", message: errorMessage(err) }),
          )
        }
      />
    </Suspense>
  );

  return (
    <div className={classes.pane}>
      <section className={classes.conversation} aria-label={`${t.reference} ${t.subject}`}>
        <header className={classes.header}>
          <Group justify="space-between" wrap="wrap" gap="sm" align="flex-start">
            <div style={{ minWidth: 0, flex: "1 1 240px" }}>
              <Group gap={8} wrap="wrap" mb={4}>
                <Tooltip label="Back to the list (Esc)">
                  <ActionIcon component={Link} to={closeHref} variant="subtle" color="gray" size="sm" aria-label="Close the ticket" className={classes.closeTicket}>
                    <IconArrowLeft size={16} />
                  </ActionIcon>
                </Tooltip>
                <Group gap={2} wrap="nowrap">
                  <Text size="sm" c="dimmed" className="tabular" fw={500}>
                    {t.reference}
                  </Text>
                  <CopyButton value={t.reference}>
                    {({ copied, copy }) => (
                      <Tooltip label={copied ? "Copied" : "Copy the reference"}>
                        <ActionIcon variant="subtle" color={copied ? "teal" : "gray"} size="xs" onClick={copy} aria-label="Copy the reference">
                          {copied ? <IconCheck size={12} /> : <IconCopy size={12} />}
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </CopyButton>
                </Group>
                <StatusBadge status={t.status} />
                <SlaBadge sla={t.sla} />
                <SnoozeBadge ticket={t} />
                <PresenceAvatars ticketId={t.id} />
              </Group>
              <SubjectEditor ticket={t} onSave={(subject) => void change({ subject }, "Subject").catch(() => {})} />
              <Text size="xs" c="dimmed" mt={2}>
                {t.assignee ? (mine ? "Assigned to you" : `Assigned to ${t.assignee.name}`) : "Unassigned"}
                {t.team ? ` · ${t.team.name}` : " · No team yet"}
              </Text>
            </div>
            <Group gap={6} wrap="nowrap" ml="auto">
              {!mine && !finished && (
                <Tooltip label="Assign to me (i)">
                  <Button size="xs" leftSection={<IconUserCheck size={15} />} onClick={takeIt}>
                    Take it
                  </Button>
                </Tooltip>
              )}
              {!finished && !resolved && (
                <Tooltip label="Resolve with a note (e)">
                  <Button size="xs" variant="default" leftSection={<IconCircleCheck size={15} />} onClick={() => setResolving(null)}>
                    Resolve
                  </Button>
                </Tooltip>
              )}
              <Tooltip label="Details">
                <ActionIcon variant="default" size="md" onClick={() => setDetailsOpen(true)} aria-label="Show details" className={classes.detailsToggle}>
                  <IconLayoutSidebarRight size={16} />
                </ActionIcon>
              </Tooltip>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="default" size="md" aria-label="More actions">
                    <IconDots size={16} />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconBolt size={14} />} onClick={() => openReplyTool({ kind: "macro", ticketKey: t.reference })} rightSection={<Kbd size="xs">m</Kbd>} disabled={finished}>
                    Apply a macro…
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconMoon size={14} />}
                    onClick={() => openReplyTool({ kind: "snooze", ticketKey: t.reference })}
                    rightSection={<Kbd size="xs">z</Kbd>}
                    disabled={finished || resolved}
                  >
                    {t.snoozed_until ? "Snoozed: change or wake…" : "Snooze…"}
                  </Menu.Item>
                  <Menu.Item leftSection={<IconLink size={14} />} onClick={() => setLinking(true)}>
                    Link to another ticket…
                  </Menu.Item>
                  <Menu.Item leftSection={<IconGitMerge size={14} />} onClick={() => setMerging(true)} disabled={finished}>
                    Merge into another ticket…
                  </Menu.Item>
                  <Menu.Label>Split: use a message’s ⋯ menu</Menu.Label>
                  <Menu.Divider />
                  <Menu.Item leftSection={<IconX size={14} />} component={Link} to={closeHref}>
                    Close (Esc)
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Group>
          {t.merged_into && (
            <Text size="xs" mt={6} c="orange.8">
              Merged into{" "}
              <Anchor component={Link} to={`/agent/tickets/${t.merged_into.reference}`} size="xs">
                {t.merged_into.reference}
              </Anchor>
              ; work continues there.
            </Text>
          )}
        </header>
        <div className={classes.thread}>
          {comments.isError ? (
            <LoadError error={comments.error} onRetry={() => void comments.refetch()} title="The conversation could not be loaded" />
          ) : comments.isPending ? (
            <Skeleton height={160} aria-label="Loading the conversation" />
          ) : (
            <>
              <Timeline ticket={t} comments={comments.data} events={events.data ?? NONE} directory={directory} categories={categories.data} onSplit={setSplitting} mail={mail.data} />
              {held.data?.some((h) => h.ticket.id === t.id) && (
                <Suspense fallback={null}>
                  {held.data
                    .filter((h) => h.ticket.id === t.id)
                    .map((h) => (
                      <HeldBanner key={h.id} held={h} />
                    ))}
                </Suspense>
              )}
              {heldCopies.data?.some((h) => h.status === "held") && (
                <Suspense fallback={null}>
                  {heldCopies.data
                    .filter((h) => h.status === "held")
                    .map((h) => (
                      <HeldCopiesBanner key={h.id} held={h} ticketKey={ticketKey} />
                    ))}
                </Suspense>
              )}
            </>
          )}
          {events.isError && (
            <Text size="xs" c="dimmed" mt="xs">
              The list of changes could not be loaded; replies and notes are all shown.{" "}
              <Anchor component="button" size="xs" onClick={() => void events.refetch()}>
                Try again
              </Anchor>
            </Text>
          )}
        </div>
        {comments.data ? (
          <Suspense fallback={composerPlaceholder}>
            <Composer
              key={t.id}
              ref={composerRef}
              ticket={t}
              comments={comments.data}
              statuses={lookups.statuses}
              staff={lookups.staff}
              onTyping={setTyping}
              onStatusAfterSend={(status) => change({ status }, "Status")}
              onResolveAfterSend={async (c) => {
                const target = lookups.statuses.find((s) => s.active && s.category === "resolved")?.key ?? "resolved";
                if (!(await change({ status: target, ...c }, "Resolution"))) throw new Error("not saved");
                toast({ color: "teal", message: `${t.reference} is resolved. ${t.requester.name} is asked to confirm.` });
              }}
              onOpenNext={(earlier) => {
                // The list's order as it is on screen; at its end the agent stays here.
                const next = nextInView(client, t.id, earlier);
                if (next) navigate(ticketInViewHref(closeHref, next.reference));
                else toast({ color: "gray", message: `No next ticket in this view; ${t.reference} stays open.` });
              }}
            />
          </Suspense>
        ) : (
          composerPlaceholder
        )}
      </section>
      {wide ? (
        <div className={classes.detailsColumn}>{detailsPanel}</div>
      ) : (
        <Drawer opened={detailsOpen} onClose={() => setDetailsOpen(false)} position="right" size={340} title="Details">
          {detailsPanel}
        </Drawer>
      )}

      <Suspense fallback={null}>
        {resolveMounted && (
          <ResolveDialog
            ticket={t}
            status={resolving || null}
            statuses={lookups.statuses}
            opened={resolving !== false}
            onClose={() => setResolving(false)}
            onResolve={async (c) => {
              const saved = await change(c, "Resolution");
              if (!saved) throw new Error("not saved");
              toast({ color: "teal", message: `${t.reference} is resolved. ${t.requester.name} is asked to confirm.` });
            }}
          />
        )}
        {linkMounted && (
          <LinkDialog
            ticket={t}
            opened={linking}
            onClose={() => setLinking(false)}
            onLink={async (kind: LinkKind, target) => {
              refresh(await addLink(t.id, kind, target));
              toast({ color: "teal", message: `Linked to ${target}.` });
            }}
          />
        )}
        {mergeMounted && (
          <MergeDialog
            ticket={t}
            opened={merging}
            onClose={() => setMerging(false)}
            onMerge={async (into) => {
              const primary = await mergeTicket(t.id, into);
              refresh();
              void client.invalidateQueries({ queryKey: keys.ticket(ticketKey) });
              void client.invalidateQueries({ queryKey: agentKeys.lists });
              toast({ color: "teal", message: `${t.reference} was merged into ${primary.reference}.` });
              navigate(`/agent/tickets/${primary.reference}`);
            }}
          />
        )}
        {splitMounted && (
          <SplitDialog
            ticket={t}
            comment={splitting}
            onClose={() => setSplitting(null)}
            onSplit={async (commentId, subject) => {
              const child = await splitTicket(t.id, commentId, subject);
              refresh();
              void client.invalidateQueries({ queryKey: keys.ticket(ticketKey) });
              toast({ color: "teal", message: `${child.reference} was made from the message.` });
              navigate(`/agent/tickets/${child.reference}`);
            }}
          />
        )}
      </Suspense>
    </div>
  );
}
