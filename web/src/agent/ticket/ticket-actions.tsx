/** Dialogs for what changes more than one field: resolve, link, merge, split. */
import { Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { LINK_KINDS, type Comment, type LinkKind, type Status, type Ticket } from "@tessera/contracts";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ErrorAlert } from "../../ui/query-state.tsx";
import { typeNeedsRootCause } from "../composer/resolve-rules.ts";

function useAsync() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, reset: () => setError(null) };
}

function DialogForm({
  opened,
  onClose,
  title,
  onSubmit,
  children,
  submit,
  busy,
  danger,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  onSubmit: () => void;
  children: ReactNode;
  submit: string;
  busy: boolean;
  danger?: boolean;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="md">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <Stack gap="md">
          {children}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} color={danger ? "red" : undefined}>
              {submit}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Resolving needs a note (and a root cause for incidents and problems), so it asks for them. */
export function ResolveDialog({
  ticket,
  status,
  statuses,
  opened,
  onClose,
  onResolve,
}: {
  ticket: Ticket;
  status: string | null;
  statuses: Status[];
  opened: boolean;
  onClose: () => void;
  onResolve: (changes: { status: string; resolution_note: string; root_cause?: string }) => Promise<unknown>;
}) {
  const [note, setNote] = useState("");
  const [cause, setCause] = useState("");
  const job = useAsync();
  const needsCause = typeNeedsRootCause(ticket.type);
  useEffect(() => {
    if (opened) {
      setNote(ticket.resolution_note || "");
      setCause(ticket.root_cause ?? "");
      job.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const target = status ?? statuses.find((s) => s.active && s.category === "resolved")?.key ?? "resolved";
  const submit = async () => {
    if (!note.trim() || (needsCause && !cause.trim())) return;
    const ok = await job.run(() => onResolve({ status: target, resolution_note: note.trim(), ...(needsCause ? { root_cause: cause.trim() } : {}) }));
    if (ok) onClose();
  };
  return (
    <DialogForm opened={opened} onClose={onClose} title={`Resolve ${ticket.reference}`} onSubmit={() => void submit()} submit="Resolve" busy={job.busy}>
      <Text size="sm" c="dimmed">
        {ticket.requester.name} sees the resolution note and is asked to confirm that it is fixed.
      </Text>
      <Textarea
        label="Resolution note"
        description="What fixed it, in words the requester understands"
        required
        autosize
        minRows={3}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        data-autofocus
      />
      {needsCause && (
        <Textarea
          label="Root cause"
          description="Required for incidents and problems; seen by agents only"
          required
          autosize
          minRows={2}
          value={cause}
          onChange={(e) => setCause(e.currentTarget.value)}
        />
      )}
      <ErrorAlert error={job.error} />
    </DialogForm>
  );
}

const KIND_LABELS: Record<LinkKind, string> = {
  related: "Related to",
  parent: "Child of (the other is the parent)",
  child: "Parent of (the other is a child)",
  duplicate_of: "Duplicate of",
  caused_by: "Caused by (a problem)",
};

export function LinkDialog({ ticket, opened, onClose, onLink }: { ticket: Ticket; opened: boolean; onClose: () => void; onLink: (kind: LinkKind, target: string) => Promise<unknown> }) {
  const [kind, setKind] = useState<LinkKind>("related");
  const [target, setTarget] = useState("");
  const job = useAsync();
  useEffect(() => {
    if (opened) {
      setTarget("");
      job.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const submit = async () => {
    if (!target.trim()) return;
    if (await job.run(() => onLink(kind, target.trim().toUpperCase()))) onClose();
  };
  return (
    <DialogForm opened={opened} onClose={onClose} title={`Link ${ticket.reference} to another ticket`} onSubmit={() => void submit()} submit="Link" busy={job.busy}>
      <Select
        label={`${ticket.reference} is`}
        data={LINK_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
        value={kind}
        onChange={(v) => v && setKind(v as LinkKind)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput label="Other ticket" placeholder="INC-1042" required value={target} onChange={(e) => setTarget(e.currentTarget.value)} data-autofocus />
      <ErrorAlert error={job.error} />
    </DialogForm>
  );
}

export function MergeDialog({ ticket, opened, onClose, onMerge }: { ticket: Ticket; opened: boolean; onClose: () => void; onMerge: (into: string) => Promise<unknown> }) {
  const [into, setInto] = useState("");
  const job = useAsync();
  useEffect(() => {
    if (opened) {
      setInto("");
      job.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const submit = async () => {
    if (!into.trim()) return;
    if (await job.run(() => onMerge(into.trim().toUpperCase()))) onClose();
  };
  return (
    <DialogForm opened={opened} onClose={onClose} title={`Merge ${ticket.reference} into another ticket`} onSubmit={() => void submit()} submit="Merge and close this one" busy={job.busy} danger>
      <Text size="sm">Its replies, notes, files and watchers move to the other ticket, and {ticket.reference} is closed as a duplicate. This cannot be undone.</Text>
      <TextInput label="Merge into" placeholder="INC-1042" required value={into} onChange={(e) => setInto(e.currentTarget.value)} data-autofocus />
      <ErrorAlert error={job.error} />
    </DialogForm>
  );
}

export function SplitDialog({
  ticket,
  comment,
  onClose,
  onSplit,
}: {
  ticket: Ticket;
  comment: Comment | null;
  onClose: () => void;
  onSplit: (commentId: number, subject: string) => Promise<unknown>;
}) {
  const [subject, setSubject] = useState("");
  const job = useAsync();
  useEffect(() => {
    if (comment) {
      setSubject(ticket.subject);
      job.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [comment]);
  const submit = async () => {
    if (!comment || !subject.trim()) return;
    if (await job.run(() => onSplit(comment.id, subject.trim()))) onClose();
  };
  return (
    <DialogForm opened={!!comment} onClose={onClose} title="Split into a new ticket" onSubmit={() => void submit()} submit="Make the new ticket" busy={job.busy}>
      <Text size="sm">
        A new ticket is made from {comment?.author?.name ?? "this"}’s message, as a child of {ticket.reference}.
      </Text>
      <TextInput label="Subject of the new ticket" required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} maxLength={300} data-autofocus />
      <ErrorAlert error={job.error} />
    </DialogForm>
  );
}
