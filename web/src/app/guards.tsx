import { Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import type { Me } from "@tessera/contracts";
import { useMe } from "../api/queries.ts";
import { LoadError } from "../ui/query-state.tsx";

/** Where a person lands after signing in. */
export const homeOf = (me: Me) => (me.role === "requester" ? "/" : "/agent");

/** Only addresses inside this app are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string | undefined {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : undefined;
}

/** Renders its children for a signed-in person; sends anyone else to sign in and back. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <Center mih="60vh" aria-busy="true">
        <Loader size="sm" aria-label="Loading" />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center mih="60vh" p="md">
        <LoadError error={me.error} onRetry={() => void me.refetch()} title="Tessera is not answering" />
      </Center>
    );
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
