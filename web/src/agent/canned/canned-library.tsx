/**
 * A library of canned replies or macros in the workspace: the list on the left (with who each
 * is for), the one picked on the right, editable when the agent may change it, with Save and
 * Delete. "New" starts an empty one. Used by library-managers.tsx.
 */
import { Alert, Button, Group, Modal, ScrollArea, Stack, Text, UnstyledButton } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";
import { ApiError } from "../../api/client.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import own from "../macros/macro-tools.module.css";
import { toast } from "../toast.ts";
import { useBusy } from "../../ui/use-busy.ts";
import type { Library } from "../../ui/replies/libraries.tsx";
import { scopeLabel, type LibraryItem } from "../../ui/replies/scope.ts";

/** Field messages from a refused save, keyed as the form names them; the rest as one sentence. */
export function saveErrors(err: unknown): { fields: Record<string, string>; general: string | null } {
  if (err instanceof ApiError && Object.keys(err.fieldErrors).length) return { fields: err.fieldErrors, general: null };
  return { fields: {}, general: err ? errorMessage(err) : null };
}

/** `heading` and `about` say what the library is for while nothing is picked. */
export function LibraryManager<Item extends LibraryItem, Draft>({ library, onClose, heading, about }: { library: Library<Item, Draft>; onClose: () => void; heading: string; about: ReactNode }) {
  const props = { ...library, items: library.query.data, loadError: library.query.error, onRetry: () => void library.query.refetch(), onClose };
  const { items, noun } = props;
  const [selected, setSelected] = useState<Item | "new" | null>(null);
  const [draft, setDraft] = useState<Draft>(props.emptyDraft());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const { busy, run } = useBusy();
  const [confirmDelete, setConfirmDelete] = useState(false);

  const pick = (i: Item | "new") => {
    setSelected(i);
    setDraft(i === "new" ? props.emptyDraft() : props.draftOf(i));
    setErrors({});
    setGeneral(null);
    setConfirmDelete(false);
  };
  const current = selected === "new" ? null : selected;
  const editable = selected === "new" || !!current?.editable;

  const submit = async () => {
    const found = props.check(draft);
    setErrors(found);
    setGeneral(null);
    if (Object.keys(found).length) return;
    await run(
      async () => {
        const saved = await props.save(draft, current);
        toast({ color: "teal", message: `“${props.nameOf(saved)}” is saved.` });
        pick(saved);
      },
      (err) => {
        const e = saveErrors(err);
        setErrors(e.fields);
        setGeneral(e.general);
      },
    );
  };

  const remove = async () => {
    if (!current) return;
    await run(
      async () => {
        await props.remove(current);
        toast({ color: "teal", message: `“${props.nameOf(current)}” is deleted.` });
        setSelected(null);
      },
      (err) => setGeneral(errorMessage(err)),
    );
    setConfirmDelete(false);
  };

  return (
    <Modal opened onClose={props.onClose} title={props.title} size="xl" centered>
      <div className={own.manager}>
        <div className={own.managerList}>
          <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => pick("new")} mb="xs" fullWidth>
            New {noun}
          </Button>
          {props.loadError ? (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(props.loadError)}{" "}
              <Button size="compact-xs" variant="light" onClick={props.onRetry}>
                Try again
              </Button>
            </Alert>
          ) : !items ? (
            <Text size="sm" c="dimmed">
              Loading…
            </Text>
          ) : items.length === 0 ? (
            <Text size="sm" c="dimmed">
              None yet.
            </Text>
          ) : (
            <ScrollArea.Autosize mah="55vh">
              <ul style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label={props.title}>
                {items.map((i) => (
                  <li key={i.id}>
                    <UnstyledButton className={own.managerItem} aria-current={current?.id === i.id || undefined} onClick={() => pick(i)}>
                      <Text size="sm" fw={500} truncate>
                        {props.nameOf(i)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {scopeLabel(i)}
                      </Text>
                    </UnstyledButton>
                  </li>
                ))}
              </ul>
            </ScrollArea.Autosize>
          )}
        </div>
        <div>
          {selected === null ? (
            <Stack gap="xs" justify="center" h="100%" ta="center" px="lg">
              <Text fw={600}>{heading}</Text>
              <Text size="sm" c="dimmed">
                {about}
              </Text>
            </Stack>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (editable) void submit();
              }}
              aria-label={current ? `Edit ${props.nameOf(current)}` : `New ${noun}`}
            >
              <Stack gap="md">
                {current && !current.editable && (
                  <Alert color="gray" variant="light">
                    Shared {current.scope === "team" ? `with ${current.team?.name}` : "with everyone"}
                    {current.owner ? ` by ${current.owner.name}` : ""}. You can use it; {current.scope === "team" ? "its owner, the team's supervisors" : "supervisors"} and admins can change it.
                  </Alert>
                )}
                <fieldset disabled={!editable} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
                  {props.fields(draft, setDraft, errors)}
                </fieldset>
                {general && (
                  <Alert color="red" variant="light" role="alert" title="Not saved">
                    {general}
                  </Alert>
                )}
                {editable && (
                  <Group justify="space-between">
                    {current ? (
                      confirmDelete ? (
                        <Group gap="xs">
                          <Text size="sm">
                            Delete “{props.nameOf(current)}” for{" "}
                            {scopeLabel(current).toLowerCase() === "only you" ? "you" : scopeLabel(current) === "Everyone" ? "everyone" : `all of ${current.team?.name}`}?
                          </Text>
                          <Button size="xs" color="red" onClick={() => void remove()} loading={busy}>
                            Delete
                          </Button>
                          <Button size="xs" variant="default" onClick={() => setConfirmDelete(false)}>
                            Keep
                          </Button>
                        </Group>
                      ) : (
                        <Button variant="subtle" color="red" onClick={() => setConfirmDelete(true)}>
                          Delete…
                        </Button>
                      )
                    ) : (
                      <span />
                    )}
                    <Button type="submit" loading={busy}>
                      {current ? "Save changes" : `Save ${noun}`}
                    </Button>
                  </Group>
                )}
              </Stack>
            </form>
          )}
        </div>
      </div>
    </Modal>
  );
}
