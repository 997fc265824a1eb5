import { Alert, Button, Group, Skeleton, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconAlertTriangle, IconRefresh } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { ApiError } from "../api/client.ts";

/** The message of any error, in words a person can act on. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return "Something went wrong in this page. Reload it and try again.";
}

/** Why an action failed, as an alert (nothing while there is no error); `children` replace the error's own message. */
export function ErrorAlert({ error, title, children }: { error: unknown; title?: string; children?: ReactNode }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert" title={title}>
      {children ?? errorMessage(error)}
    </Alert>
  );
}

/** An error where the data should have been, with a way to try again: never an endless spinner. */
export function LoadError({ error, onRetry, title = "This could not be loaded" }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title} role="alert">
      <Group justify="space-between" align="center" gap="sm">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button variant="white" color="red" size="xs" leftSection={<IconRefresh size={14} />} onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/** A few grey lines where a list is about to appear (first load only). */
export function ListSkeleton({ rows = 3, label }: { rows?: number; label: string }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={52} radius="md" />
      ))}
    </Stack>
  );
}
