/** Dialogs for what changes more than one field: resolve, link, merge, split. */
import { Button, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { LINK_KINDS, type Comment, type LinkKind, type Status, type Ticket } from "@tessera/contracts";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ErrorAlert } from "../../ui/query-state.tsx";
import { useBusy } from "../../ui/use-busy.ts";
import { typeNeedsRootCause } from "../composer/resolve-rules.ts";
import { GrowingTextarea } from "../../ui/growing-textarea.tsx";

/**
 * A dialog's one request: its error shows in the dialog, and success closes it. `onOpen` fills
 * the fields each time the dialog opens.
 */
function useDialogJob(opened: boolean, onClose: () => void, onOpen: () => void) {
  const { busy, run } = useBusy();
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (opened) {
      onOpen();
      setError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  /** Sends, unless there is nothing to send yet (null: a required field is empty). */
  const submit = async (work: (() => Promise<unknown>) | null) => {
    if (!work) return;
    setError(null);
    if (await run(work, setError)) onClose();
  };
  return { busy, error, submit };
}

type DialogJob = ReturnType<typeof useDialogJob>;

function DialogForm({
  opened,
  onClose,
  title,
  onSubmit,
  children,
  submit,
  job,
  danger,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  onSubmit: () => void;
  children: ReactNode;
  submit: string;
  job: DialogJob;
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
          <ErrorAlert error={job.error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={job.busy} color={danger ? "red" : undefined}>
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
  const job = useDialogJob(opened, onClose, () => {
    setNote(ticket.resolution_note || "");
    setCause(ticket.root_cause ?? "");
  });
  const needsCause = typeNeedsRootCause(ticket.type);
  const target = status ?? statuses.find((s) => s.active && s.category === "resolved")?.key ?? "resolved";
  const filled = !!note.trim() && (!needsCause || !!cause.trim());
  const submit = () => job.submit(filled ? () => onResolve({ status: target, resolution_note: note.trim(), ...(needsCause ? { root_cause: cause.trim() } : {}) }) : null);
  return (
    <DialogForm opened={opened} onClose={onClose} title={`Resolve ${ticket.reference}`} onSubmit={() => void submit()} submit="Resolve" job={job}>
      <Text size="sm" c="dimmed">
        {ticket.requester.name} sees the resolution note and is asked to confirm that it is fixed.
      </Text>
      <GrowingTextarea label="Resolution note" description="What fixed it, in words the requester understands" required lines={[3]} value={note} onChange={setNote} data-autofocus />
      {needsCause && <GrowingTextarea label="Root cause" description="Required for incidents and problems; seen by agents only" required lines={[2]} value={cause} onChange={setCause} />}
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
  const job = useDialogJob(opened, onClose, () => setTarget(""));
  const submit = () => job.submit(target.trim() ? () => onLink(kind, target.trim().toUpperCase()) : null);
  return (
    <DialogForm opened={opened} onClose={onClose} title={`Link ${ticket.reference} to another ticket`} onSubmit={() => void submit()} submit="Link" job={job}>
      <Select
        label={`${ticket.reference} is`}
        data={LINK_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
        value={kind}
        onChange={(v) => v && setKind(v as LinkKind)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput label="Other ticket" placeholder="INC-1042" required value={target} onChange={(e) => setTarget(e.currentTarget.value)} data-autofocus />
    </DialogForm>
  );
}

export function MergeDialog({ ticket, opened, onClose, onMerge }: { ticket: Ticket; opened: boolean; onClose: () => void; onMerge: (into: string) => Promise<unknown> }) {
  const [into, setInto] = useState("");
  const job = useDialogJob(opened, onClose, () => setInto(""));
  const submit = () => job.submit(into.trim() ? () => onMerge(into.trim().toUpperCase()) : null);
  return (
    <DialogForm opened={opened} onClose={onClose} title={`Merge ${ticket.reference} into another ticket`} onSubmit={() => void submit()} submit="Merge and close this one" job={job} danger>
      <Text size="sm">Its replies, notes, files and watchers move to the other ticket, and {ticket.reference} is closed as a duplicate. This cannot be undone.</Text>
      <TextInput label="Merge into" placeholder="INC-1042" required value={into} onChange={(e) => setInto(e.currentTarget.value)} data-autofocus />
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
  const job = useDialogJob(!!comment, onClose, () => setSubject(ticket.subject));
  const submit = () => job.submit(comment && subject.trim() ? () => onSplit(comment.id, subject.trim()) : null);
  return (
    <DialogForm opened={!!comment} onClose={onClose} title="Split into a new ticket" onSubmit={() => void submit()} submit="Make the new ticket" job={job}>
      <Text size="sm">
        A new ticket is made from {comment?.author?.name ?? "this"}’s message, as a child of {ticket.reference}.
      </Text>
      <TextInput label="Subject of the new ticket" required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} maxLength={300} data-autofocus />
    </DialogForm>
  );
}
