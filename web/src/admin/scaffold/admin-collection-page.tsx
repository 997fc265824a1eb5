/**
 * An admin list page: the header with its Add button, the list (a skeleton on first load, an
 * error with Try again, a sentence when empty), and beside it the picked item's editor, the
 * form for a new one, or what the page is for when nothing is picked.
 */
import { Button, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { isValidElement, type ComponentProps, type ReactElement, type ReactNode } from "react";
import { Link } from "react-router";
import { ListSkeleton, LoadError } from "../../ui/query-state.tsx";
import { AdminPage, EmptyEditor, Split } from "../layout.tsx";
import { ListRow } from "../list-row.tsx";
import { PaneIcon } from "../page-icons.tsx";
import { pageLabel } from "../settings.ts";
import type { AdminCollection, CollectionQuery } from "./use-admin-collection.ts";
import classes from "../admin.module.css";

/** The list's place while it loads or when it failed; null once there is data. */
export function ListState({ query, what }: { query: Pick<CollectionQuery<unknown>, "isPending" | "isError" | "error" | "refetch">; what: string }) {
  if (query.isPending)
    return (
      <div style={{ padding: 12 }}>
        <ListSkeleton label={`Loading ${what.toLowerCase()}`} />
      </div>
    );
  if (query.isError) {
    return (
      <div style={{ padding: 12 }}>
        <LoadError title={`${what.charAt(0).toUpperCase()}${what.slice(1)} could not be loaded`} error={query.error} onRetry={() => void query.refetch()} />
      </div>
    );
  }
  return null;
}

/** The rows of a list, or a sentence when there are none. */
export function Rows<T>({ items, empty, label, children }: { items: T[]; empty: ReactNode; label?: string; children: (item: T) => ReactNode }) {
  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="md">
        {empty}
      </Text>
    );
  }
  return (
    <ul className={classes.rows} aria-label={label}>
      {items.map(children)}
    </ul>
  );
}

interface EmptyState {
  title: string;
  text: ReactNode;
}

const isEmptyState = (x: unknown): x is EmptyState => typeof x === "object" && x !== null && !isValidElement(x) && "title" in x;

/** The top of a form for a new item: its title and what it is for. */
export function FormHeading({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <>
      <Title order={2} fz={17} mb={4}>
        {title}
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        {children}
      </Text>
    </>
  );
}

export interface AdminCollectionPageProps<T> {
  collection: AdminCollection<T>;
  /** The page's name in the settings nav by default. */
  title?: string;
  description: ReactNode;
  /** The Add button's words, "Add {noun}" by default; the button shows when there is a creator. */
  addLabel?: string;
  /** More buttons in the header, before Add. */
  actions?: ReactNode;
  /** One item in words, when the collection does not say: "entry". */
  noun?: string;
  /** What the list holds, for its loading and error words; the collection's words or the title by default. */
  what?: string;
  /** The list's name for assistive technology; "{Noun} list" by default. */
  listLabel?: string;
  wide?: boolean;
  /** What a row shows of an item, a link to its editor; `rowElement` for a row of another kind, `list` for a list of another shape. */
  row?: (item: T) => Omit<ComponentProps<typeof ListRow>, "to">;
  rowElement?: (item: T) => ReactNode;
  list?: (items: T[]) => ReactNode;
  /** What the list says when it is empty. */
  emptyList?: ReactNode;
  /** Shown above the list at all times, such as its filters. */
  listHeader?: ReactNode;
  /** Shown under the list, once it is loaded. */
  listFooter?: ReactNode;
  editor: (item: T) => ReactNode;
  creator?: () => ReactNode;
  /** Other editors by their address segment, such as a page's settings. */
  extraEditors?: Record<string, () => ReactNode>;
  /** The editor pane's icon; the page's own by default. */
  icon?: ReactNode;
  /** The editor pane when nothing is picked: what to do ("Pick a {noun}" above it), a title and what to do, or a view of its own. */
  pick: ReactNode | EmptyState;
  /** The editor pane when the address names nothing in the list; "This {noun} does not exist" by default. */
  missing?: EmptyState | ReactElement;
  /** The height of the editor's skeleton while the list loads. */
  skeleton?: number;
}

export function AdminCollectionPage<T>(props: AdminCollectionPageProps<T>) {
  const { collection: c, icon = <PaneIcon path={c.path} /> } = props;
  const noun = props.noun ?? c.noun ?? "item";
  const title = props.title ?? pageLabel(c.path) ?? "";
  const what = props.what ?? c.what ?? title.toLowerCase();
  const addLabel = props.creator ? (props.addLabel ?? `Add ${noun}`) : undefined;
  const missing = props.missing ?? { title: `This ${noun} does not exist`, text: "Pick another one from the list." };
  const pick = isEmptyState(props.pick) || isValidElement(props.pick) || props.pick === null ? props.pick : { title: `Pick ${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`, text: props.pick };
  let editor: ReactNode;
  const extra = c.picked ? props.extraEditors?.[c.picked] : undefined;
  if (extra) editor = extra();
  // A new item's form waits for the list too: its defaults may come from it.
  else if (c.picked && c.query.isPending)
    editor = (
      <Stack p="lg">
        <Skeleton height={36} />
        <Skeleton height={props.skeleton ?? 120} />
      </Stack>
    );
  else if (c.isNew && props.creator) editor = props.creator();
  else if (c.selected) editor = props.editor(c.selected);
  else {
    const shown = c.picked && c.query.data ? missing : pick;
    editor = isEmptyState(shown) ? (
      <EmptyEditor icon={icon} title={shown.title}>
        {shown.text}
      </EmptyEditor>
    ) : (
      shown
    );
  }
  const state = <ListState query={c.query} what={what} />;
  const loaded = !c.query.isPending && !c.query.isError;
  return (
    <AdminPage
      title={title}
      description={props.description}
      actions={
        props.actions || addLabel ? (
          <>
            {props.actions}
            {addLabel && (
              <Button component={Link} to={c.newPath} leftSection={<IconPlus size={16} />}>
                {addLabel}
              </Button>
            )}
          </>
        ) : undefined
      }
    >
      <Split
        listLabel={props.listLabel ?? `${noun.charAt(0).toUpperCase()}${noun.slice(1)} list`}
        selected={!!c.picked}
        wide={props.wide}
        list={
          <>
            {props.listHeader}
            {loaded ? (
              <>
                {props.list ? (
                  props.list(c.items)
                ) : (
                  <Rows items={c.items} empty={props.emptyList}>
                    {props.rowElement ?? ((item) => <ListRow key={c.idOf(item)} to={c.hrefOf(item)} {...props.row!(item)} />)}
                  </Rows>
                )}
                {props.listFooter}
              </>
            ) : (
              state
            )}
          </>
        }
        editor={editor}
      />
    </AdminPage>
  );
}
