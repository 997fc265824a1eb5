/**
 * Canned replies for teams and for everyone, as the admin settings show them: the list beside
 * an editor with an explicit Save, like every admin page. Personal ones stay their owners'
 * business and are managed from the workspace. `LibraryPage` also serves the macros page.
 */
import { Button, Text, Title } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import type { CannedReply } from "@tessera/contracts";
import { useMemo, type ReactNode } from "react";
import { useNavigate } from "react-router";
import type { CannedDraft } from "../ui/replies/canned-fields.tsx";
import { scopeLabel, type LibraryItem } from "../ui/replies/scope.ts";
import { announce, ConfirmDialog, Editor, SaveError, Tag } from "./layout.tsx";
import { useCannedLibrary, type Library } from "../ui/replies/libraries.tsx";
import { AdminCollectionPage, useAdminCollection, useAdminForm, type AdminCollection } from "./scaffold/index.ts";

/** A shared library as its admin page shows it. */
export interface LibraryConfig<Item extends LibraryItem, Draft> extends Library<Item, Draft> {
  path: string;
  description: ReactNode;
  emptyText: ReactNode;
  subOf: (i: Item) => string;
}

function ItemEditor<Item extends LibraryItem, Draft>({ cfg, item, collection }: { cfg: LibraryConfig<Item, Draft>; item: Item | null; collection: AdminCollection<Item> }) {
  const navigate = useNavigate();
  const base = useMemo(() => (item ? cfg.draftOf(item) : cfg.emptyDraft()), [item, cfg]);
  const form = useAdminForm({
    base,
    fields: cfg.fieldNames,
    check: cfg.check,
    save: (d) => cfg.save(d, item),
    draftOf: item ? cfg.draftOf : undefined,
    onSaved: (saved) => {
      if (item) return collection.saved(saved);
      collection.added(saved);
      announce(`“${cfg.nameOf(saved)}” was added.`);
      navigate(collection.hrefOf(saved));
    },
    remove: () => cfg.remove(item!),
    onRemoved: () => {
      collection.removed(item!);
      announce(`“${cfg.nameOf(item!)}” was deleted.`);
      navigate(collection.path);
    },
  });
  return (
    <Editor label={item ? `Edit ${cfg.nameOf(item)}` : `New ${cfg.noun}`} {...form.editorProps} dirty={form.dirty || !item} saveLabel={item ? "Save changes" : `Add ${cfg.noun}`} {...collection.back}>
      <Title order={2} fz={17} mb="md">
        {item ? cfg.nameOf(item) : `New ${cfg.noun}`}
      </Title>
      {cfg.fields(form.draft, form.setDraft, form.errors)}
      <SaveError message={form.general} />
      {item && (
        <Button variant="subtle" color="red" leftSection={<IconTrash size={14} />} mt="lg" onClick={form.askRemove}>
          Delete…
        </Button>
      )}
      {item && (
        <ConfirmDialog {...form.removal} title={`Delete “${cfg.nameOf(item)}”?`} confirmLabel="Delete">
          <Text size="sm">{item.scope === "everyone" ? "Every agent" : `Everyone in ${item.team?.name ?? "its team"}`} loses it at once. What it already did to tickets stays.</Text>
        </ConfirmDialog>
      )}
    </Editor>
  );
}

export function LibraryPage<Item extends LibraryItem, Draft>({ cfg }: { cfg: LibraryConfig<Item, Draft> }) {
  // Personal ones stay their owners' business: the page lists only what is shared.
  const query = { ...cfg.query, data: cfg.query.data?.filter((i) => i.scope !== "personal") };
  const collection = useAdminCollection({ query, queryKey: cfg.queryKey, path: `/admin/${cfg.path}`, noun: cfg.noun, what: cfg.title.toLowerCase() });
  return (
    <AdminCollectionPage
      collection={collection}
      title={cfg.title}
      description={cfg.description}
      listLabel={`${cfg.title} list`}
      emptyList="Nothing is shared yet. Add one for a team or for everyone."
      row={(i) => ({ title: cfg.nameOf(i), sub: cfg.subOf(i), badge: <Tag color={i.scope === "everyone" ? "indigo" : "gray"}>{scopeLabel(i)}</Tag> })}
      editor={(i) => <ItemEditor key={i.id} cfg={cfg} item={i} collection={collection} />}
      creator={() => <ItemEditor key="new" cfg={cfg} item={null} collection={collection} />}
      pick={cfg.emptyText}
    />
  );
}

export function CannedRepliesPage() {
  const cfg: LibraryConfig<CannedReply, CannedDraft> = {
    ...useCannedLibrary("shared"),
    path: "canned-replies",
    description: "Answers agents insert by typing / in the reply box, shared with a team or with everyone. Placeholders are filled in for each ticket.",
    emptyText: "Change its text, or who can use it. Agents keep their personal ones in the workspace.",
    subOf: (r) => r.body.slice(0, 80),
  };
  return <LibraryPage cfg={cfg} />;
}
