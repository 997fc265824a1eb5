/**
 * Categories: the tree requesters pick a topic from. Each category may send its new tickets to
 * a default team and give them a default type; inactive ones are no longer offered. Turning
 * one off says first which subcategories and unfinished tickets it has.
 */
import { Alert, Button, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconCategory, IconCornerDownRight, IconFolder, IconInfoCircle, IconSitemap } from "@tabler/icons-react";
import { TICKET_TYPES, type Category, type TicketType } from "@tessera/contracts";
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { createCategory, updateCategory, type CategoryChanges } from "../api/admin.ts";
import { adminKeys, UNFINISHED, useAdminCategories, useAdminTeams, useTicketCount } from "../api/admin-queries.ts";
import { ConfirmDialog, Consequence, Editor, OffBadge, SaveError, TicketsConsequence } from "./layout.tsx";
import { type AdminCollection, AdminCollectionPage, type DraftBinding, FormHeading, Rows, Toggle, useAdminCollection, useCreateForm, useEditForm } from "./scaffold/index.ts";
import { plural } from "./people.ts";
import classes from "./admin.module.css";
import { ListRow } from "./list-row.tsx";

export const TYPE_NAMES: Record<TicketType, string> = { incident: "Incident", service_request: "Service request", problem: "Problem", change: "Change" };

interface TreeRow {
  category: Category;
  depth: number;
}

/** The categories in tree order (each parent followed by its children, siblings by name). */
function toTree(all: Category[]): TreeRow[] {
  const children = new Map<number | null, Category[]>();
  const ids = new Set(all.map((c) => c.id));
  for (const c of all) {
    const parent = c.parent_id !== null && ids.has(c.parent_id) ? c.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: TreeRow[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const c of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ category: c, depth });
      if (depth < 20) walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A category and everything under it. */
function subtreeIds(all: Category[], id: number): Set<number> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of all) if (c.parent_id !== null && out.has(c.parent_id) && !out.has(c.id)) (out.add(c.id), (grew = true));
  }
  return out;
}

/**
 * What a new ticket in this category gets when the category sets no team or type of its own:
 * the nearest ancestor's (the server walks up the tree the same way).
 */
export function inheritedDefaults(all: Category[], parentId: number | null): { team: Category["default_team"]; type: TicketType | null; teamFrom?: Category; typeFrom?: Category } {
  const out: ReturnType<typeof inheritedDefaults> = { team: null, type: null };
  for (let c = all.find((x) => x.id === parentId), depth = 0; c && depth < 20; c = all.find((x) => x.id === c!.parent_id), depth++) {
    if (!out.team && c.default_team) ((out.team = c.default_team), (out.teamFrom = c));
    if (!out.type && c.default_type) ((out.type = c.default_type), (out.typeFrom = c));
  }
  return out;
}

/** The team a new ticket in this category goes to: its own default, or an ancestor's. */
export function effectiveTeam(all: Category[], c: Category): Category["default_team"] {
  return c.default_team ?? inheritedDefaults(all, c.parent_id).team;
}

interface CategoryDraft {
  name: string;
  parent_id: string | null;
  default_team_id: string | null;
  default_type: TicketType | null;
  active: boolean;
}

const draftOf = (c: Category): CategoryDraft => ({
  name: c.name,
  parent_id: c.parent_id === null ? null : String(c.parent_id),
  default_team_id: c.default_team ? String(c.default_team.id) : null,
  default_type: c.default_type,
  active: c.active,
});

const toInput = (d: CategoryDraft): CategoryChanges => ({
  name: d.name.trim(),
  parent_id: d.parent_id ? Number(d.parent_id) : null,
  default_team_id: d.default_team_id ? Number(d.default_team_id) : null,
  default_type: d.default_type,
  active: d.active,
});

const FIELDS = ["name", "parent_id", "default_team_id", "default_type", "active"];

function CategoryFields({ bind, all, selfId }: { bind: DraftBinding<CategoryDraft>; all: Category[]; selfId?: number }) {
  const { draft, setDraft, errors } = bind;
  const teams = useAdminTeams();
  const excluded = selfId ? subtreeIds(all, selfId) : new Set<number>();
  const parents = all.filter((c) => !excluded.has(c.id)).sort((a, b) => a.path.localeCompare(b.path));
  const parent = all.find((c) => String(c.id) === draft.parent_id);
  const path = [parent?.path, draft.name.trim() || "…"].filter(Boolean).join(" / ");
  const inherited = inheritedDefaults(all, parent?.id ?? null);
  return (
    <Stack gap="md">
      <TextInput label="Name" required {...bind.text("name")} maxLength={100} data-autofocus />
      <Select
        label="Parent"
        description={`Shown to requesters as “${path}”.`}
        placeholder="None: a top-level category"
        data={parents.map((c) => ({ value: String(c.id), label: c.active ? c.path : `${c.path} (inactive)` }))}
        {...bind.choice("parent_id")}
        searchable
        clearable
        nothingFoundMessage="No category by that name"
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        label="Default team"
        description="New tickets in this category go to this team's queue. Subcategories that set none use this one."
        placeholder={teams.isPending ? "Loading teams…" : inherited.team ? `${inherited.team.name}, from ${inherited.teamFrom!.path}` : "No default team: tickets wait in triage"}
        data={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
        {...bind.choice("default_team_id")}
        searchable
        clearable
        error={errors.default_team_id ?? (teams.isError ? "Teams could not be loaded" : undefined)}
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        label="Default ticket type"
        description="The type a new ticket gets unless the person filing it picks one. Subcategories that set none use this one."
        placeholder={inherited.type ? `${TYPE_NAMES[inherited.type]}, from ${inherited.typeFrom!.path}` : "Not set: incident"}
        data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_NAMES[t] }))}
        value={draft.default_type}
        onChange={(v) => setDraft({ ...draft, default_type: (v as TicketType | null) ?? null })}
        clearable
        error={errors.default_type}
        comboboxProps={{ withinPortal: true }}
      />
      <Toggle label="Active" on="Offered to requesters and agents when they file a ticket." off="Not offered for new tickets; tickets already filed under it keep it." {...bind.checked("active")} />
    </Stack>
  );
}

/** Turning a category off: what is under it, counted, before saving. */
function DeactivateDialog({ category, all, opened, onClose, onConfirm, busy }: { category: Category; all: Category[]; opened: boolean; onClose: () => void; onConfirm: () => void; busy: boolean }) {
  const tickets = useTicketCount({ category: String(category.id), status_category: UNFINISHED }, opened);
  const under = [...subtreeIds(all, category.id)]
    .filter((id) => id !== category.id)
    .map((id) => all.find((c) => c.id === id)!)
    .filter((c) => c.active);
  return (
    <ConfirmDialog opened={opened} onClose={onClose} title={`Deactivate ${category.path}?`} confirmLabel="Deactivate and save" onConfirm={onConfirm} busy={busy}>
      <Stack gap="sm">
        <Consequence icon={<IconCategory size={16} />}>Requesters and agents can no longer choose it for new tickets.</Consequence>
        <TicketsConsequence count={tickets} counting="Counting the tickets filed under it…" failed="The tickets filed under it could not be counted." none="No unfinished tickets are filed under it.">
          {(n) => (
            <>
              <strong>{plural(n, "unfinished ticket")}</strong> filed under it {n === 1 ? "keeps" : "keep"} this category and {n === 1 ? "its" : "their"} team.
            </>
          )}
        </TicketsConsequence>
        <Consequence icon={<IconSitemap size={16} />}>
          {under.length === 0 ? (
            "It has no active subcategories."
          ) : (
            <>
              <strong>{plural(under.length, "active subcategory", "active subcategories")}</strong> stay offered unless you deactivate them too: {under.map((c) => c.path).join(", ")}.
            </>
          )}
        </Consequence>
      </Stack>
    </ConfirmDialog>
  );
}

const checkName = (d: CategoryDraft): Record<string, string> => (d.name.trim() ? {} : { name: "Give the category a name" });

function CategoryEditor({ category, collection }: { category: Category; collection: AdminCollection<Category> }) {
  const all = collection.items;
  // Paths of its subcategories change with a rename or a move: the list is fetched again.
  const form = useEditForm(collection, category, { fields: FIELDS, check: checkName, draftOf, save: (d) => updateCategory(category.id, toInput(d)), confirmIf: (d) => category.active && !d.active });
  const { draft } = form;
  const teamChanged = draft.default_team_id !== form.base.default_team_id;
  return (
    <Editor label={`Edit category ${category.path}`} {...form.editorProps}>
      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Title order={2} fz={17}>
            {category.name}
          </Title>
          {category.path !== category.name && (
            <Text size="sm" c="dimmed" truncate>
              {category.path}
            </Text>
          )}
        </div>
        <Button component={Link} to={`${collection.newPath}?parent=${category.id}`} variant="default" size="xs" leftSection={<IconCornerDownRight size={14} />}>
          Add subcategory
        </Button>
      </Group>
      <CategoryFields bind={form.bind} all={all} selfId={category.id} />
      {teamChanged && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={16} />} mt="md">
          The new default team applies to tickets filed after you save; tickets already filed keep their team.
        </Alert>
      )}
      <SaveError message={form.general} />
      <DeactivateDialog category={category} all={all} {...form.confirm} />
    </Editor>
  );
}

function NewCategoryEditor({ collection, parentParam }: { collection: AdminCollection<Category>; parentParam: string | null }) {
  const all = collection.items;
  const parent = all.find((c) => String(c.id) === parentParam);
  // Team and type stay empty: the new category then follows its parent's, even if those change later.
  const empty: CategoryDraft = useMemo(() => ({ name: "", parent_id: parent ? String(parent.id) : null, default_team_id: null, default_type: null, active: true }), [parent]);
  const form = useCreateForm(collection, {
    base: empty,
    fields: FIELDS,
    check: checkName,
    save: (d) => createCategory(toInput(d)),
    announce: (c) => `${c.path} was added${c.default_team ? ` and sends its tickets to ${c.default_team.name}` : ""}.`,
  });
  return (
    <Editor label="New category" {...form.editorProps} saveLabel="Add category">
      <FormHeading title={parent ? `New subcategory of ${parent.name}` : "New category"}>
        {parent ? "Unless you set its own, it sends tickets to its parent's default team, with its parent's default type." : "Top-level categories are the cards on the support portal's home page."}
      </FormHeading>
      <CategoryFields key={parentParam ?? ""} bind={form.bind} all={all} />
      <SaveError title="The category was not added" message={form.general} />
    </Editor>
  );
}

/** "Service Desk · Incident", with what is inherited from a parent said so. */
function RowDefaults({ all, category }: { all: Category[]; category: Category }) {
  const inherited = inheritedDefaults(all, category.parent_id);
  const team = category.default_team ?? inherited.team;
  const type = category.default_type ?? inherited.type;
  const parts = [team ? `${team.name}${category.default_team ? "" : " (inherited)"}` : "No default team", ...(type ? [`${TYPE_NAMES[type]}${category.default_type ? "" : " (inherited)"}`] : [])];
  return <>{parts.join(" · ")}</>;
}

export function CategoriesPage() {
  const [params] = useSearchParams();
  const collection = useAdminCollection({ query: useAdminCategories(), queryKey: adminKeys.categories, path: "/admin/categories", noun: "category", what: "categories" });
  const all = collection.items;
  const tree = useMemo(() => toTree(all), [all]);
  return (
    <AdminCollectionPage
      collection={collection}
      description="The topics requesters choose from. A category's default team receives its new tickets."
      addLabel="New category"
      listLabel="Category tree"
      list={() => (
        <Rows items={tree} label="Categories" empty="No categories yet. Add a few top-level topics (Hardware, Software, Access…) and give each a default team.">
          {({ category: c, depth }) => (
            <ListRow
              key={c.id}
              to={collection.hrefOf(c)}
              inactive={!c.active}
              className={classes.treeRow}
              style={{ "--depth": depth, minHeight: 44 } as React.CSSProperties}
              lead={
                depth === 0 ? (
                  <IconFolder size={16} className={classes.treeGuide} style={{ color: "var(--mantine-color-gray-6)" }} aria-hidden="true" />
                ) : (
                  <IconCornerDownRight size={14} className={classes.treeGuide} aria-hidden="true" />
                )
              }
              title={c.name}
              sub={<RowDefaults all={all} category={c} />}
              badge={!c.active && <OffBadge />}
            />
          )}
        </Rows>
      )}
      editor={(c) => <CategoryEditor key={c.id} category={c} collection={collection} />}
      creator={() => <NewCategoryEditor key={params.get("parent") ?? ""} collection={collection} parentParam={params.get("parent")} />}
      pick="Rename or move it, choose the team its tickets go to and their type, or stop offering it."
      missing={{ title: "This category does not exist", text: "Pick another one from the tree." }}
    />
  );
}
