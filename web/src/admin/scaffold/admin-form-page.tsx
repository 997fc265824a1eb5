/**
 * An admin page that is one form rather than a list, such as the priority matrix: what it
 * edits is loaded first; while it loads the page shows `loading`, and if it fails, why, with
 * Try again.
 */
import type { ReactNode } from "react";
import { AdminPage } from "../layout.tsx";
import { Loaded, type LoadingQuery } from "./loaded.tsx";
import classes from "../admin.module.css";

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
  query: LoadingQuery<T>;
  /** The title of the error when it could not be loaded. */
  failed: string;
  loading?: ReactNode;
  children: (data: NonNullable<T>) => ReactNode;
}) {
  return (
    <AdminPage title={title} description={description}>
      <div className={classes.single} style={{ display: "flex", flexDirection: "column" }}>
        <Loaded query={query} failed={failed} loading={loading}>
          {children}
        </Loaded>
      </div>
    </AdminPage>
  );
}
