/**
 * Canned replies for teams and for everyone, as the admin settings show them: the list beside
 * an editor with an explicit Save, like every admin page. Personal ones stay their owners'
 * business and are managed from the workspace. `LibraryPage` also serves the macros page.
 */
import { Badge, Button, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconMessageShare, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CannedReply } from "@tessera/contracts";
import { useMemo, useState, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTeams } from "../api/agent-queries.ts";
import { useSignedInUser } from "../api/queries.ts";
import { createCannedReply, deleteCannedReply, replyKeys, updateCannedReply, useCannedReplies } from "../agent/canned-api.ts";
import { CannedFields, cannedDraftOf, cannedInputOf, checkCanned, emptyCanned, type CannedDraft } from "../agent/canned-fields.tsx";
import { scopeLabel, type LibraryItem } from "../agent/canned-library.tsx";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { AdminPage, announce, ConfirmDialog, Editor, EmptyEditor, formErrors, RowLink, same, SaveError, Split, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import classes from "./admin.module.css";

export interface LibraryConfig<Item extends LibraryItem, Draft> {
  path: string;
  title: string;
  noun: string;
  description: ReactNode;
  icon: ReactNode;
  emptyText: ReactNode;
  fieldNames: readonly string[];
  query: { data: Item[] | undefined; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  nameOf: (i: Item) => string;
  subOf: (i: Item) => string;
  emptyDraft: () => Draft;
  draftOf: (i: Item) => Draft;
  check: (d: Draft) => Record<string, string>;
  save: (d: Draft, item: Item | null) => Promise<Item>;
  remove: (item: Item) => Promise<void>;
  fields: (draft: Draft, setDraft: (d: Draft) => void, errors: Record<string, string>) => ReactNode;
}

function ItemEditor<Item extends LibraryItem, Draft>({ cfg, item }: { cfg: LibraryConfig<Item, Draft>; item: Item | null }) {
  const navigate = useNavigate();
  const base = useMemo(() => (item ? cfg.draftOf(item) : cfg.emptyDraft()), [item, cfg]);
  const [draft, setDraft] = useState(base);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [justSaved, markSaved] = useJustSaved();
  const [deleting, setDeleting] = useState(false);
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const save = useMutation({
    mutationFn: () => cfg.save(draft, item),
    onSuccess: (saved) => {
      if (item) {
        setDraft(cfg.draftOf(saved));
        markSaved();
      } else {
        announce(`“${cfg.nameOf(saved)}” was added.`);
        guard.allow();
        navigate(`/admin/${cfg.path}/${saved.id}`);
      }
    },
  });
  const remove = useMutation({
    mutationFn: () => cfg.remove(item!),
    onSuccess: () => {
      announce(`“${cfg.nameOf(item!)}” was deleted.`);
      guard.allow();
      navigate(`/admin/${cfg.path}`);
    },
  });
  const errors = formErrors(save.error, cfg.fieldNames);
  return (
    <Editor
      label={item ? `Edit ${cfg.nameOf(item)}` : `New ${cfg.noun}`}
      dirty={dirty || !item}
      saving={save.isPending}
      saveLabel={item ? "Save changes" : `Add ${cfg.noun}`}
      onSubmit={() => {
        const found = cfg.check(draft);
        setLocal(found);
        if (!Object.keys(found).length) save.mutate();
      }}
      onRevert={item ? () => { setDraft(base); setLocal({}); save.reset(); } : undefined}
      backTo={`/admin/${cfg.path}`}
      backLabel={`All ${cfg.title.toLowerCase()}`}
      guard={guard}
      justSaved={justSaved}
    >
      <Title order={2} fz={17} mb="md">
        {item ? cfg.nameOf(item) : `New ${cfg.noun}`}
      </Title>
      {cfg.fields(draft, setDraft, { ...errors.fields, ...local })}
      <SaveError message={errors.general} />
      {item && (
        <Button variant="subtle" color="red" leftSection={<IconTrash size={14} />} mt="lg" onClick={() => setDeleting(true)}>
          Delete…
        </Button>
      )}
      {item && (
        <ConfirmDialog
          opened={deleting}
          title={`Delete “${cfg.nameOf(item)}”?`}
          confirmLabel="Delete"
          onConfirm={() => remove.mutate()}
          onClose={() => setDeleting(false)}
          busy={remove.isPending}
          error={remove.error}
        >
          <Text size="sm">
            {item.scope === "everyone" ? "Every agent" : `Everyone in ${item.team?.name ?? "its team"}`} loses it at once. What it already did to tickets stays.
          </Text>
        </ConfirmDialog>
      )}
    </Editor>
  );
}

export function LibraryPage<Item extends LibraryItem, Draft>({ cfg }: { cfg: LibraryConfig<Item, Draft> }) {
  const { itemId } = useParams();
  const q = cfg.query;
  const shared = (q.data ?? []).filter((i) => i.scope !== "personal");
  const selected = itemId && itemId !== "new" ? shared.find((i) => String(i.id) === itemId) : undefined;
  let editor;
  if (itemId === "new") editor = <ItemEditor key="new" cfg={cfg} item={null} />;
  else if (itemId && q.isPending) editor = <Stack p="lg"><Skeleton height={36} /><Skeleton height={120} /></Stack>;
  else if (selected) editor = <ItemEditor key={selected.id} cfg={cfg} item={selected} />;
  else if (itemId && q.data)
    editor = (
      <EmptyEditor icon={cfg.icon} title={`This ${cfg.noun} does not exist`}>
        Pick another one from the list.
      </EmptyEditor>
    );
  else
    editor = (
      <EmptyEditor icon={cfg.icon} title={`Pick a ${cfg.noun}`}>
        {cfg.emptyText}
      </EmptyEditor>
    );
  return (
    <AdminPage
      title={cfg.title}
      description={cfg.description}
      actions={
        <Button component={Link} to={`/admin/${cfg.path}/new`} leftSection={<IconPlus size={16} />}>
          Add {cfg.noun}
        </Button>
      }
    >
      <Split
        listLabel={`${cfg.title} list`}
        selected={!!itemId}
        list={
          q.isPending ? (
            <div style={{ padding: 12 }}><ListSkeleton label={`Loading ${cfg.title.toLowerCase()}`} /></div>
          ) : q.isError ? (
            <div style={{ padding: 12 }}><LoadError title={`${cfg.title} could not be loaded`} error={q.error} onRetry={() => void q.refetch()} /></div>
          ) : shared.length === 0 ? (
            <Text size="sm" c="dimmed" p="md">Nothing is shared yet. Add one for a team or for everyone.</Text>
          ) : (
            <ul className={classes.rows}>
              {shared.map((i) => (
                <RowLink key={i.id} to={`/admin/${cfg.path}/${i.id}`}>
                  <div className={classes.rowMain}>
                    <div className={classes.rowTitle}>{cfg.nameOf(i)}</div>
                    <div className={classes.rowSub}>{cfg.subOf(i)}</div>
                  </div>
                  <Badge variant="light" color={i.scope === "everyone" ? "indigo" : "gray"} size="sm">
                    {scopeLabel(i)}
                  </Badge>
                </RowLink>
              ))}
            </ul>
          )
        }
        editor={editor}
      />
    </AdminPage>
  );
}

export function CannedRepliesPage() {
  const me = useSignedInUser();
  const client = useQueryClient();
  const replies = useCannedReplies("shared");
  const teams = useTeams();
  const refresh = () => void client.invalidateQueries({ queryKey: replyKeys.allCanned });
  const cfg: LibraryConfig<CannedReply, CannedDraft> = {
    path: "canned-replies",
    title: "Canned replies",
    noun: "canned reply",
    description: "Answers agents insert by typing / in the reply box, shared with a team or with everyone. Placeholders are filled in for each ticket.",
    icon: <IconMessageShare size={32} stroke={1.5} />,
    emptyText: "Change its text, or who can use it. Agents keep their personal ones in the workspace.",
    fieldNames: ["title", "body", "scope", "team_id"],
    query: replies,
    nameOf: (r) => r.title,
    subOf: (r) => r.body.slice(0, 80),
    emptyDraft: () => ({ ...emptyCanned(), scope: "everyone" }),
    draftOf: cannedDraftOf,
    check: checkCanned,
    save: async (d, item) => {
      const saved = item ? await updateCannedReply(item.id, cannedInputOf(d)) : await createCannedReply(cannedInputOf(d));
      refresh();
      return saved;
    },
    remove: async (item) => {
      await deleteCannedReply(item.id);
      refresh();
    },
    fields: (draft, setDraft, errors) => <CannedFields draft={draft} setDraft={setDraft} errors={errors} me={me} teams={teams.data ?? []} />,
  };
  return <LibraryPage cfg={cfg} />;
}
