/**
 * `m`: apply a macro to a ticket. First pick one (type to search, arrows and Enter); then see
 * exactly what it will do to this ticket, old → new, with the reply and note as they will be
 * posted; then apply it in one request. The toast that follows offers Undo, which puts the
 * fields back; a reply already sent stays sent, and the confirmation says so before applying.
 */
import { Alert, Badge, Button, Group, Kbd, Modal, ScrollArea, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertTriangle, IconArrowRight, IconBolt, IconLock, IconMail, IconSearch } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Macro, MacroChange, MacroPreview } from "@tessera/contracts";
import Fuse from "fuse.js";
import { useEffect, useMemo, useState } from "react";
import { ApiError } from "../../api/client.ts";
import { useAgentTicket } from "../../api/agent-queries.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { applyMacro, previewMacro, storeChangedTicket, undoMacro, useMacros } from "../../api/replies.ts";
import { openReplyTool } from "./reply-tool-requests.ts";
import { hideToast, toast } from "../toast.ts";
import classes from "../workspace.module.css";
import own from "./macro-tools.module.css";
import { ListOption } from "../../ui/list-option.tsx";

const FIELD_LABELS: Record<MacroChange["field"], string> = {
  status: "Status",
  priority: "Priority",
  assignee: "Assignee",
  team: "Team",
  tags: "Tags",
  reply: "Reply",
  note: "Internal note",
};

/** One change as a chip: "Status Open → Waiting on customer". */
export function ChangeChip({ change }: { change: MacroChange }) {
  if (change.field === "reply" || change.field === "note") {
    return (
      <div className={own.text} data-kind={change.field}>
        <Text size="xs" fw={600} c={change.field === "note" ? "yellow.9" : "indigo.7"}>
          {change.field === "note" ? <IconLock size={11} aria-hidden="true" /> : <IconMail size={11} aria-hidden="true" />} {FIELD_LABELS[change.field]}
        </Text>
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {change.to}
        </Text>
      </div>
    );
  }
  return (
    <li className={own.chip}>
      <Text span size="xs" c="dimmed" fw={500}>
        {FIELD_LABELS[change.field]}
      </Text>
      {change.field === "tags" ? (
        <Text span size="sm">
          {change.to}
        </Text>
      ) : (
        <>
          <Text span size="sm" c="dimmed" td="line-through">
            {change.from ?? "none"}
          </Text>
          <IconArrowRight size={12} aria-label="becomes" />
          <Text span size="sm" fw={500}>
            {change.to ?? "none"}
          </Text>
        </>
      )}
    </li>
  );
}

function MacroPicker({ macros, onPick }: { macros: Macro[]; onPick: (m: Macro) => void }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  // Fuzzy, so "refnd" still finds "Refund requested"; names count more than descriptions.
  const fuse = useMemo(() => new Fuse(macros, { keys: [{ name: "name", weight: 3 }, "description"], threshold: 0.4, ignoreLocation: true }), [macros]);
  const shown = useMemo(() => (query.trim() ? fuse.search(query.trim()).map((r) => r.item) : macros).slice(0, 30), [fuse, macros, query]);
  useEffect(() => setActive(0), [query]);
  return (
    <Stack gap="xs">
      <TextInput
        data-autofocus
        placeholder="Search macros"
        leftSection={<IconSearch size={15} />}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setActive((i) => (shown.length ? (i + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length : 0));
          } else if (e.key === "Enter" && shown[active]) {
            e.preventDefault();
            onPick(shown[active]);
          }
        }}
        role="combobox"
        aria-label="Search macros"
        aria-expanded
        aria-controls="macro-options"
        aria-activedescendant={shown[active] ? `macro-${shown[active].id}` : undefined}
      />
      <ScrollArea.Autosize mah="45vh">
        <div role="listbox" id="macro-options" aria-label="Macros">
          {shown.length === 0 && (
            <Text size="sm" c="dimmed" p="sm">
              {macros.length ? `No macro matches “${query}”.` : "There are no macros yet."}
            </Text>
          )}
          {shown.map((m, i) => (
            <ListOption key={m.id} id={`macro-${m.id}`} active={i === active} onHover={() => setActive(i)} onPick={() => onPick(m)} className={classes.paletteItem}>
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={500} truncate>
                  {m.name}
                </Text>
                {m.description && (
                  <Text size="xs" c="dimmed" truncate>
                    {m.description}
                  </Text>
                )}
              </div>
              <Badge size="xs" variant="light" color="gray">
                {m.scope === "personal" ? "Yours" : m.scope === "team" ? m.team?.name : "Everyone"}
              </Badge>
            </ListOption>
          ))}
        </div>
      </ScrollArea.Autosize>
    </Stack>
  );
}

function Preview({ preview, ticketReference, requesterName }: { preview: MacroPreview; ticketReference: string; requesterName: string }) {
  const fields = preview.changes.filter((c) => c.field !== "reply" && c.field !== "note");
  const texts = preview.changes.filter((c) => c.field === "reply" || c.field === "note");
  return (
    <Stack gap="sm">
      <Text size="sm">
        On {ticketReference}, “{preview.macro.name}” will:
      </Text>
      {fields.length > 0 && (
        <ul className={own.chips} aria-label="Changes">
          {fields.map((c) => (
            <ChangeChip key={c.field} change={c} />
          ))}
        </ul>
      )}
      {texts.map((c) => (
        <ChangeChip key={c.field} change={{ ...c, to: c.field === "reply" ? preview.reply : preview.note }} />
      ))}
      {preview.changes.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing: {ticketReference} is already as this macro leaves it.
        </Text>
      )}
      {preview.problems.map((p) => (
        <Alert key={p} color="orange" variant="light" icon={<IconAlertTriangle size={16} />} p="xs">
          {p}
        </Alert>
      ))}
      <Text size="xs" c="dimmed">
        {preview.reply
          ? `Undo puts the fields back afterwards, but the reply is sent to ${requesterName} at once and cannot be unsent${preview.note ? "; the note stays too" : ""}.`
          : preview.note
            ? "Undo puts the fields back afterwards; the internal note stays."
            : "You can undo it from the message that follows."}
      </Text>
    </Stack>
  );
}

export function MacroDialog({ ticketKey, macroId, onClose }: { ticketKey: string; macroId?: number; onClose: () => void }) {
  const client = useQueryClient();
  const ticket = useAgentTicket(ticketKey);
  const macros = useMacros();
  const [picked, setPicked] = useState<Macro | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (macroId && macros.data && !picked) setPicked(macros.data.find((m) => m.id === macroId) ?? null);
  }, [macroId, macros.data, picked]);
  const t = ticket.data;
  const preview = useQuery({
    queryKey: ["macro-preview", picked?.id, t?.id, t?.version],
    queryFn: () => previewMacro(picked!.id, t!.id),
    enabled: !!picked && !!t,
    staleTime: 0,
    gcTime: 0,
  });

  const apply = async () => {
    if (!picked || !t || !preview.data || busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await applyMacro(picked.id, t.id, preview.data.ticket.version);
      storeChangedTicket(client, result.ticket, { refetchLists: true });
      onClose();
      const id = `macro-${result.application.id}`;
      toast({
        id,
        color: "teal",
        autoClose: 10_000,
        title: `“${picked.name}” applied to ${t.reference}`,
        message: (
          <Stack gap={4}>
            <Text size="xs">
              {result.application.changes
                .map((c) => (c.field === "reply" ? "reply sent" : c.field === "note" ? "note added" : `${FIELD_LABELS[c.field].toLowerCase()} ${c.field === "tags" ? c.to : `→ ${c.to ?? "none"}`}`))
                .join(" · ")}
            </Text>
            <Button
              size="compact-xs"
              variant="light"
              style={{ alignSelf: "flex-start" }}
              onClick={() => {
                hideToast(id);
                undoMacro(result.application.id).then(
                  (undone) => {
                    storeChangedTicket(client, undone.ticket, { refetchLists: true });
                    const sent = result.application.comment_ids.length ? " The reply or note it posted stays." : "";
                    toast({ color: undone.kept.length ? "orange" : "teal", message: `Undone: ${t.reference} is back as it was.${sent}${undone.kept.length ? ` ${undone.kept.join(" ")}` : ""}` });
                  },
                  (err) => toast({ color: "red", title: "Could not undo", message: errorMessage(err) }),
                );
              }}
            >
              Undo
            </Button>
          </Stack>
        ),
      });
    } catch (err) {
      setError(err);
      // A stale preview is refreshed, so the agent sees what the macro would do now.
      if (err instanceof ApiError && err.status === 409) void ticket.refetch();
    } finally {
      setBusy(false);
    }
  };

  const stale = error instanceof ApiError && error.code === "version_conflict";
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      centered
      title={
        <Group gap={6}>
          <IconBolt size={16} aria-hidden="true" />
          <Text fw={600}>{picked ? `Apply “${picked.name}”` : `Apply a macro${t ? ` to ${t.reference}` : ""}`}</Text>
        </Group>
      }
    >
      {ticket.isError ? (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(ticket.error)}
        </Alert>
      ) : macros.isError ? (
        <Alert color="red" variant="light" role="alert" title="The macros could not be loaded">
          {errorMessage(macros.error)}{" "}
          <Button size="compact-xs" variant="light" onClick={() => void macros.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : !picked ? (
        <Stack gap="sm">
          {macros.data ? (
            <MacroPicker macros={macros.data} onPick={setPicked} />
          ) : (
            <Text size="sm" c="dimmed">
              Loading macros…
            </Text>
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> to choose, <Kbd size="xs">Enter</Kbd> to see what it does
            </Text>
            <Button size="compact-xs" variant="subtle" onClick={() => openReplyTool({ kind: "macro-manager" })}>
              Manage macros…
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void apply();
          }}
        >
          <Stack gap="md">
            {preview.isError ? (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(preview.error)}
              </Alert>
            ) : !preview.data || !t ? (
              <Text size="sm" c="dimmed">
                Working out what it would change…
              </Text>
            ) : (
              <Preview preview={preview.data} ticketReference={t.reference} requesterName={t.requester.name} />
            )}
            {error != null && (
              <Alert color="red" variant="light" role="alert" title="Nothing was changed">
                {stale ? `${errorMessage(error)} The preview above now shows the ticket as it is.` : errorMessage(error)}
              </Alert>
            )}
            <Group justify="space-between">
              <Button
                variant="subtle"
                onClick={() => {
                  setPicked(null);
                  setError(null);
                }}
                disabled={busy}
              >
                Another macro
              </Button>
              <Group gap="xs">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={busy} disabled={!preview.data || preview.data.changes.length === 0} data-autofocus>
                  Apply macro
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
