/**
 * What one query loaded, handed to `children`; meanwhile `loading`, and if it failed, why,
 * with Try again.
 */
import type { ReactNode } from "react";
import { LoadError } from "../../ui/query-state.tsx";

export interface LoadingQuery<T> {
  data: T | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export function Loaded<T>({
  query,
  failed,
  loading = null,
  padding = 20,
  children,
}: {
  query: LoadingQuery<T>;
  /** The title of the error when it could not be loaded. */
  failed: string;
  loading?: ReactNode;
  /** Around the error, in pixels. */
  padding?: number;
  children: (data: NonNullable<T>) => ReactNode;
}) {
  if (query.isPending) return loading;
  if (query.isError)
    return (
      <div style={{ padding }}>
        <LoadError title={failed} error={query.error} onRetry={() => void query.refetch()} />
      </div>
    );
  return children(query.data as NonNullable<T>);
}
