/** The files being attached in the composer, as small chips with their state. */
import { ActionIcon, Group, Loader, Text } from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconRefresh, IconX } from "@tabler/icons-react";
import { formatBytes } from "../../ui/format.ts";
import type { Uploads } from "../../ui/uploads.ts";
import classes from "../ticket/ticket-pane.module.css";

export function UploadChips({ uploads }: { uploads: Uploads }) {
  if (!uploads.items.length) return null;
  return (
    <Group gap={6} mb={6} component="ul" className={classes.plainList} aria-label="Attached files">
      {uploads.items.map((u) => (
        <li key={u.key} className={classes.uploadChip} data-status={u.status}>
          {u.status === "uploading" ? (
            <Loader size={11} />
          ) : u.status === "done" ? (
            <IconCheck size={12} color="var(--mantine-color-teal-7)" />
          ) : (
            <IconAlertTriangle size={12} color="var(--mantine-color-red-7)" />
          )}
          <span className={classes.fileName}>{u.file.name}</span>
          <Text span size="xs" c={u.status === "failed" ? "red.7" : "dimmed"}>
            {u.status === "failed" ? u.error : formatBytes(u.file.size)}
          </Text>
          {u.status === "failed" && (
            <ActionIcon size="xs" variant="subtle" color="gray" onClick={() => uploads.retry(u.key)} aria-label={`Upload ${u.file.name} again`}>
              <IconRefresh size={11} />
            </ActionIcon>
          )}
          <ActionIcon size="xs" variant="subtle" color="gray" onClick={() => uploads.remove(u.key)} aria-label={`Remove ${u.file.name}`}>
            <IconX size={11} />
          </ActionIcon>
        </li>
      ))}
    </Group>
  );
}
