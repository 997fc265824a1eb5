/**
 * An admin page that is one form rather than a list, such as the priority matrix: what it
 * edits is loaded first; while it loads the page shows `loading`, and if it fails, why, with
 * Try again.
 */
import { Stack } from "@mantine/core";
import type { ReactNode } from "react";
import { LoadError } from "../../ui/query-state.tsx";
import { AdminPage } from "../layout.tsx";
import classes from "../admin.module.css";

interface FormQuery<T> {
  data: T | undefined;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export function AdminFormPage<T>({
  title,
  description,
  query,
  failed,
  loading = null,
  children,
}: {
  title: string;
  description: ReactNode;
  query: FormQuery<T>;
  /** The title of the error when it could not be loaded. */
  failed: string;
  loading?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  return (
    <AdminPage title={title} description={description}>
      <div className={classes.single} style={{ display: "flex", flexDirection: "column" }}>
        {query.isError ? (
          <Stack p="lg">
            <LoadError title={failed} error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : query.data !== undefined ? (
          children(query.data)
        ) : (
          loading
        )}
      </div>
    </AdminPage>
  );
}
