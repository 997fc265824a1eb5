/**
 * The composer: two explicit modes, never ambiguous. "Reply to <email>" sends to the requester
 * and its button names them; "Internal note" turns the whole composer yellow, its button reads
 * "Add internal note", and @ mentions teammates. Ctrl/Cmd+Shift+J switches, Ctrl/Cmd+Enter
 * sends (and opens the next ticket, if that is the agent's default), Ctrl/Cmd+Shift+Enter sends
 * and resolves; both wait out the undo window first. A reply that arrives while the agent
 * writes stops the send until they have seen it.
 * The draft is kept on the server per ticket and agent (use-server-draft.ts), so a reload or
 * another device finds it, with a copy in this browser until the server has it.
 */
import { ActionIcon, Alert, Button, FileButton, Group, Popover, Stack, Tabs, Text, Textarea, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconLock, IconMail, IconPaperclip } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { Comment, Status, Ticket, TicketSummary, User } from "@tessera/contracts";
import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { newIdempotencyKey } from "../../api/client.ts";
import { addComment } from "../../api/endpoints.ts";
import { agentKeys } from "../../api/agent-queries.ts";
import { keys, useSignedInUser } from "../../api/queries.ts";
import { firstName } from "../../ui/format.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { useUploads } from "../../ui/uploads.ts";
import { composeHtml, mentionCandidates, mentionQuery, type Mention } from "./mentions.ts";
import { prefetchCannedSearch, useCannedMenu } from "../canned/canned-menu.tsx";
import classes from "../ticket/ticket-pane.module.css";
import { toast } from "../toast.ts";
import { UNDO_SECONDS, undoWindow } from "./undo-send.tsx";
import { MoveToReplyConfirm } from "./composer-mode.tsx";
import { ResolveAskFields, useResolveAsk, type ResolveInput } from "./composer-resolve.tsx";
import { SendControls } from "./composer-send.tsx";
import { UploadChips } from "./composer-uploads.tsx";
import { canResolve } from "./resolve-rules.ts";
import { useSendAndNext, viewOrder, type AfterSend } from "./send-and-next.ts";
import { sendIntent } from "../shortcuts.tsx";
import { readLocalDraft, useServerDraft } from "../drafts/use-server-draft.ts";
import { DraftSaveStatus } from "../drafts/draft-save-status.tsx";
import { TicketDraftNotice } from "../drafts/draft-marker.tsx";
import { ListOption, NameAndHint } from "../../ui/list-option.tsx";

export type ComposerMode = "reply" | "note";

export interface ComposerHandle {
  open(mode: ComposerMode): void;
}

const strip = (html: string) => (new DOMParser().parseFromString(html, "text/html").body.textContent ?? "").replace(/\s+/g, " ").trim();

export const Composer = forwardRef<
  ComposerHandle,
  {
    ticket: Ticket;
    comments: Comment[];
    statuses: Status[];
    staff: Array<Pick<User, "id" | "name" | "email">>;
    onTyping: (typing: boolean) => void;
    onStatusAfterSend: (status: string) => Promise<unknown>;
    /** Ctrl/Cmd+Shift+Enter: once sent, resolve (rejects when the resolve was not saved). */
    onResolveAfterSend: (resolve: ResolveInput) => Promise<unknown>;
    /** Opens the next ticket of the view, or says there is none. */
    onOpenNext: (orderAtSend: TicketSummary[]) => void;
  }
>(function Composer({ ticket, comments, statuses, staff, onTyping, onStatusAfterSend, onResolveAfterSend, onOpenNext }, ref) {
  const me = useSignedInUser();
  const client = useQueryClient();
  const saved = useMemo(() => readLocalDraft(ticket.id), [ticket.id]);
  const closed = ticket.status.category === "closed" || ticket.status.category === "cancelled";
  const [chosenMode, setMode] = useState<ComposerMode>(saved?.mode ?? "reply");
  // A closed ticket takes no more replies; the team can still leave notes on it.
  const mode: ComposerMode = closed ? "note" : chosenMode;
  const [text, setText] = useState(saved?.text ?? "");
  const [mentions, setMentions] = useState<Mention[]>(saved?.mentions ?? []);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [intercepted, setIntercepted] = useState<Comment[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const pendingAfter = useRef<AfterSend | undefined>(undefined);
  const [sendAndNext, setSendAndNext] = useSendAndNext(me.id);
  const [confirmPublic, setConfirmPublic] = useState(false);
  const resolveAsk = useResolveAsk(ticket, mode === "note");
  const uploads = useUploads();
  const idempotencyKey = useRef(newIdempotencyKey());
  const textarea = useRef<HTMLTextAreaElement>(null);
  // The newest comment there was when the agent started writing: while the box is empty it
  // follows the thread, and it stops when they type, so that what arrives after is caught.
  const newestId = Math.max(0, ...comments.map((c) => c.id));
  const seenUpTo = useRef<number>(newestId);
  const empty = !text.trim();
  useEffect(() => {
    if (empty) seenUpTo.current = newestId;
  }, [empty, newestId]);

  const waitingStatus = statuses.find((s) => s.active && s.category === "awaiting_requester");
  const [thenStatus, setThenStatus] = useState<string>("");
  useEffect(() => {
    // After a reply the ball is with the requester; a note changes nothing by default.
    setThenStatus(mode === "reply" && waitingStatus && ticket.status.category !== "resolved" ? waitingStatus.key : "");
  }, [mode, waitingStatus, ticket.status.category]);

  // Save the draft while it is being written; a sent one stays saved until it is posted (undo window).
  const holdingDraft = useRef(false);
  const draft = useServerDraft(
    ticket.id,
    { mode, text, mentions },
    {
      hold: () => holdingDraft.current || sending,
      onRestore: (d) => {
        setMode(d.mode);
        setText(d.text);
        setMentions(d.mentions);
      },
    },
  );

  // Presence: "typing" while keys are pressed, back to "viewing" after a pause.
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const typing = useRef(false);
  const noteTyping = () => {
    if (!typing.current) {
      typing.current = true;
      onTyping(true);
    }
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => {
      typing.current = false;
      onTyping(false);
    }, 5_000);
  };
  useEffect(() => () => clearTimeout(typingTimer.current), []);

  // Note text going public is asked first; the other way round is always safe.
  const chooseMode = (m: ComposerMode) => {
    if (m === "reply" && mode === "note" && text.trim()) setConfirmPublic(true);
    else setMode(m);
  };
  useImperativeHandle(ref, () => ({
    open(m) {
      chooseMode(m);
      requestAnimationFrame(() => textarea.current?.focus());
    },
  }));

  // ---- @mentions (notes only) ----
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const query = mode === "note" ? mentionQuery(text, caret) : null;
  const options = useMemo(() => (query ? mentionCandidates(staff, me.id, query.query) : []), [query, staff, me.id]);
  const menuOpen = !!query && options.length > 0 && dismissedAt !== query.start;
  useEffect(() => setActive(0), [query?.query]);
  // ---- / canned replies (both modes) ----
  const canned = useCannedMenu({
    text,
    caret,
    ticket,
    agent: me,
    onInsert: (start, end, insert) => {
      setText(text.slice(0, start) + insert + text.slice(end));
      const pos = start + insert.length;
      requestAnimationFrame(() => {
        textarea.current?.focus();
        textarea.current?.setSelectionRange(pos, pos);
        setCaret(pos);
      });
    },
  });

  const pick = (u: Pick<User, "id" | "name">) => {
    if (!query) return;
    const insert = `@${u.name} `;
    const next = text.slice(0, query.start) + insert + text.slice(caret);
    setText(next);
    setMentions((all) => (all.some((m) => m.id === u.id) ? all : [...all, { id: u.id, name: u.name }]));
    const pos = query.start + insert.length;
    requestAnimationFrame(() => {
      textarea.current?.setSelectionRange(pos, pos);
      setCaret(pos);
    });
  };

  // ---- sending ----
  const send = async (force = false, requested?: AfterSend) => {
    const after: AfterSend = requested ?? (sendAndNext ? "next" : "stay");
    if (!text.trim() || sending || uploads.busy || uploads.failed) return;
    const resolveAfter = after === "resolve" && canResolve(ticket);
    // The resolve waits, inline, for what it still needs (a root cause, say).
    if (resolveAfter && !resolveAsk.ready) return resolveAsk.ask();
    const fresh = comments.filter((c) => c.id > seenUpTo.current && c.author?.id !== me.id);
    if (!force && fresh.length) {
      pendingAfter.current = after;
      setIntercepted(fresh);
      return;
    }
    const sentText = text.trim();
    setIntercepted(null);
    setError(null);
    const internal = mode === "note";
    // Every send waits out the undo window with the box cleared and the draft kept until it is
    // posted; a resolve is only asked for after that, so Undo leaves the status as it was.
    const resolveWith = resolveAfter ? resolveAsk.input(sentText) : null;
    const orderAtSend = after === "stay" ? [] : viewOrder(client, ticket.id);
    resolveAsk.close();
    const snapshot = { mode, text, mentions };
    holdingDraft.current = true;
    setText("");
    setMentions([]);
    const then = resolveAfter ? " and resolving" : after === "next" ? ", then the next ticket" : "";
    const undone = await undoWindow(internal ? `Adding internal note${then} in ${UNDO_SECONDS} s…` : `Sending to ${ticket.requester.name}${then} in ${UNDO_SECONDS} s…`);
    holdingDraft.current = false;
    if (undone) {
      setMode(snapshot.mode);
      setText(snapshot.text);
      setMentions(snapshot.mentions);
      requestAnimationFrame(() => textarea.current?.focus());
      return;
    }
    setSending(true);
    try {
      const used = mentions.filter((m) => text.includes(`@${m.name}`));
      await addComment(
        ticket.reference,
        { body: composeHtml(text, internal ? used : []), format: "html", internal, ...(uploads.ids.length ? { attachment_ids: uploads.ids } : {}) },
        idempotencyKey.current,
      );
      idempotencyKey.current = newIdempotencyKey();
      draft.sent();
      setText("");
      setMentions([]);
      uploads.reset();
      clearTimeout(typingTimer.current);
      typing.current = false;
      onTyping(false);
      seenUpTo.current = Number.MAX_SAFE_INTEGER; // refreshed below once the thread reloads
      await Promise.all([
        client.refetchQueries({ queryKey: keys.comments(ticket.reference) }),
        client.refetchQueries({ queryKey: keys.ticket(ticket.reference) }),
        client.invalidateQueries({ queryKey: agentKeys.events(ticket.reference) }),
      ]);
      const latest = client.getQueryData<Comment[]>(keys.comments(ticket.reference)) ?? [];
      seenUpTo.current = Math.max(0, ...latest.map((c) => c.id));
      toast({ color: internal ? "yellow" : "teal", message: internal ? "Internal note added. Only agents can see it." : `Reply sent to ${ticket.requester.name}.` });
      const current = client.getQueryData<Ticket>(keys.ticket(ticket.reference));
      if (resolveWith) {
        // A refused resolve has said why in a toast; the agent stays to put it right.
        const resolved = await onResolveAfterSend(resolveWith).then(
          () => true,
          () => false,
        );
        if (resolved) {
          resolveAsk.reset();
          onOpenNext(orderAtSend);
        }
      } else {
        if (thenStatus && current && current.status.key !== thenStatus) await onStatusAfterSend(thenStatus).catch(() => {});
        if (after === "next") onOpenNext(orderAtSend);
      }
    } catch (err) {
      // Nothing was posted: the text goes back in the box with the reason.
      setText((current) => current || text);
      setMentions((current) => (current.length ? current : mentions));
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (canned.onKeyDown(e)) return;
    if (menuOpen) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((i) => (i + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(options[active]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setDismissedAt(query!.start);
        return;
      }
    }
    const intent = sendIntent(e);
    if (intent) {
      e.preventDefault();
      void send(false, intent === "resolve" ? "resolve" : undefined);
    }
  };

  const note = mode === "note";
  const toName = firstName(ticket.requester.name);
  const statusOptions = [
    { value: "", label: `Keep ${ticket.status.label}` },
    ...statuses
      .filter((s) => s.active && s.key !== ticket.status.key && ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval"].includes(s.category))
      .map((s) => ({ value: s.key, label: s.label })),
  ];

  return (
    <form
      className={classes.composer}
      data-mode={mode}
      aria-label={note ? "Internal note" : `Reply to ${ticket.requester.email}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        setDragging(false);
        uploads.add([...e.dataTransfer.files]);
      }}
      data-dragging={dragging || undefined}
    >
      <TicketDraftNotice drafts={ticket.drafts} />
      <Tabs value={mode} onChange={(v) => v && chooseMode(v as ComposerMode)} variant="pills" radius="md" keepMounted>
        <Tabs.List className={classes.modeTabs}>
          <Tabs.Tab value="reply" leftSection={<IconMail size={14} />} className={classes.modeTab} data-mode="reply" disabled={closed}>
            Reply to {ticket.requester.email}
          </Tabs.Tab>
          <Tabs.Tab value="note" leftSection={<IconLock size={14} />} className={classes.modeTab} data-mode="note">
            Internal note
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Text size="xs" c={note ? "yellow.9" : "dimmed"} mt={6} mb={4}>
        {note ? (
          <>
            <IconLock size={11} style={{ verticalAlign: -1 }} aria-hidden="true" /> {closed ? `This ticket is ${ticket.status.label.toLowerCase()}, so it takes no more replies. ` : ""}Only agents see
            notes. Type @ to mention a teammate, / for canned replies.
          </>
        ) : (
          <>{ticket.requester.name} sees this in the portal and by email. Type / for canned replies.</>
        )}
      </Text>
      {canned.element}
      <Popover opened={menuOpen} position="top-start" offset={4} withinPortal trapFocus={false} returnFocus={false} shadow="md" width={280}>
        <Popover.Target>
          <div className={classes.textWrap}>
            <Textarea
              ref={textarea}
              aria-label={note ? "Internal note" : `Reply to ${ticket.requester.name}`}
              placeholder={note ? "Write a note for your team…" : `Write to ${toName}…`}
              autosize
              minRows={3}
              maxRows={12}
              value={text}
              onChange={(e) => {
                setText(e.currentTarget.value);
                setCaret(e.currentTarget.selectionStart);
                setDismissedAt(null);
                noteTyping();
              }}
              onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
              onFocus={prefetchCannedSearch}
              onBlur={draft.flush}
              onKeyDown={onKeyDown}
              classNames={{ input: classes.textarea }}
              role={note || canned.open ? "combobox" : undefined}
              aria-autocomplete={note || canned.open ? "list" : undefined}
              aria-expanded={note || canned.open ? menuOpen || canned.open : undefined}
              aria-controls={menuOpen ? "mention-options" : canned.open ? "canned-options" : undefined}
              aria-activedescendant={menuOpen ? `mention-${options[active]?.id}` : canned.activeId}
            />
          </div>
        </Popover.Target>
        <Popover.Dropdown p={4}>
          <div role="listbox" id="mention-options" aria-label="Mention a teammate">
            {options.map((u, i) => (
              <ListOption key={u.id} id={`mention-${u.id}`} active={i === active} onPick={() => pick(u)} keepFocus className={classes.mentionOption}>
                <NameAndHint name={u.name} hint={u.email} />
              </ListOption>
            ))}
          </div>
        </Popover.Dropdown>
      </Popover>
      <UploadChips uploads={uploads} />
      {intercepted && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} mt="xs" title="New in this ticket while you were writing" role="alert">
          <Stack gap={4}>
            {intercepted.map((c) => (
              <Text size="sm" key={c.id} lineClamp={2}>
                <b>{c.author?.name}</b> {c.internal ? "added a note" : "replied"}: {strip(c.body)}
              </Text>
            ))}
            <Group gap="xs" mt={4}>
              <Button size="xs" color="orange" onClick={() => void send(true, pendingAfter.current)}>
                Send anyway
              </Button>
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  seenUpTo.current = Math.max(0, ...comments.map((c) => c.id));
                  setIntercepted(null);
                  textarea.current?.focus();
                }}
              >
                Keep editing
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {confirmPublic && (
        <MoveToReplyConfirm
          requesterName={ticket.requester.name}
          onMove={() => {
            setConfirmPublic(false);
            setMode("reply");
            requestAnimationFrame(() => textarea.current?.focus());
          }}
          onKeepNote={() => {
            setConfirmPublic(false);
            textarea.current?.focus();
          }}
        />
      )}
      <ResolveAskFields
        ask={resolveAsk}
        note={note}
        reference={ticket.reference}
        onResolve={() => void send(false, "resolve")}
        onCancel={() => {
          resolveAsk.close();
          textarea.current?.focus();
        }}
      />
      {error && (
        <Alert color="red" variant="light" mt="xs" role="alert" title={note ? "The note was not added" : "The reply was not sent"}>
          {error}
        </Alert>
      )}
      <Group justify="space-between" mt="xs" gap="xs" wrap="wrap">
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <FileButton onChange={(files) => uploads.add(files)} multiple>
            {(props) => (
              <Tooltip label="Attach files (or drop them here)">
                <ActionIcon {...props} variant="subtle" color="gray" aria-label="Attach files">
                  <IconPaperclip size={17} />
                </ActionIcon>
              </Tooltip>
            )}
          </FileButton>
          <DraftSaveStatus state={draft.state} hasText={!!text.trim()} />
        </Group>
        <SendControls
          note={note}
          closed={closed}
          toName={toName}
          statusOptions={statusOptions}
          thenStatus={thenStatus}
          onThenStatus={setThenStatus}
          sending={sending}
          disabled={!text.trim() || uploads.busy || uploads.failed}
          sendAndNext={sendAndNext}
          onSendAndNext={setSendAndNext}
          resolvable={canResolve(ticket)}
          onSend={(after) => void send(false, after)}
        />
      </Group>
    </form>
  );
});
