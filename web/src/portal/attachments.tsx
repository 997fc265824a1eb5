/**
 * Files attached to a new request or a reply: each is uploaded as soon as it is dropped
 * (POST /api/attachments), so that sending only names the uploaded ids.
 */
import { ActionIcon, Group, Loader, Paper, Stack, Text, ThemeIcon, Tooltip } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { IconAlertTriangle, IconCheck, IconPaperclip, IconRefresh, IconUpload, IconX } from "@tabler/icons-react";
import type { Attachment } from "@tessera/contracts";
import { useMediaQuery } from "@mantine/hooks";
import { useRef } from "react";
import { formatBytes } from "../ui/format.ts";
import { FileChips } from "../ui/file-chip.tsx";
import classes from "./attachments.module.css";

// The upload state lives in ui/uploads.ts, so that the agent workspace can use it without the drop area.
export { useUploads, type Upload, type Uploads } from "../ui/uploads.ts";
import type { Upload, Uploads } from "../ui/uploads.ts";
import focus from "../ui/focus-ring.module.css";

function UploadRow({ upload, uploads }: { upload: Upload; uploads: Uploads }) {
  const name = upload.file.name;
  return (
    <Group gap="sm" wrap="nowrap" className={classes.row} data-status={upload.status}>
      <ThemeIcon size={28} radius="md" variant="light" color={upload.status === "failed" ? "red" : upload.status === "done" ? "teal" : "gray"}>
        {upload.status === "uploading" ? <Loader size={14} /> : upload.status === "done" ? <IconCheck size={16} /> : <IconAlertTriangle size={16} />}
      </ThemeIcon>
      <div className={classes.rowText}>
        <Text size="sm" fw={500} truncate>
          {name}
        </Text>
        <Text size="xs" c={upload.status === "failed" ? "red.7" : "dimmed"}>
          {upload.status === "uploading" ? `Uploading · ${formatBytes(upload.file.size)}` : upload.status === "done" ? `Attached · ${formatBytes(upload.file.size)}` : upload.error}
        </Text>
      </div>
      {upload.status === "failed" && (
        <Tooltip label="Try again">
          <ActionIcon variant="subtle" color="gray" onClick={() => uploads.retry(upload.key)} aria-label={`Upload ${name} again`}>
            <IconRefresh size={16} />
          </ActionIcon>
        </Tooltip>
      )}
      <Tooltip label="Remove">
        <ActionIcon variant="subtle" color="gray" onClick={() => uploads.remove(upload.key)} aria-label={`Remove ${name}`}>
          <IconX size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

/** A drop area (also a button that opens the file chooser) and the list of files with their state. */
export function AttachmentsField({ uploads, compact = false }: { uploads: Uploads; compact?: boolean }) {
  const openRef = useRef<() => void>(null);
  // On a touch screen there is nothing to drag: say what a tap does.
  const touch = useMediaQuery("(pointer: coarse)");
  return (
    <Stack gap="xs">
      <Dropzone
        openRef={openRef}
        onDrop={uploads.add}
        multiple
        role="button"
        aria-label="Attach files"
        aria-describedby={undefined}
        inputProps={{ "aria-hidden": true, tabIndex: -1 }}
        className={`${compact ? classes.dropCompact : classes.drop} ${focus.ring}`}
        radius="md"
      >
        <Group justify="center" gap="sm" wrap="nowrap" style={{ pointerEvents: "none" }}>
          <Dropzone.Accept>
            <IconUpload size={compact ? 18 : 24} color="var(--mantine-color-indigo-6)" aria-hidden="true" />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={compact ? 18 : 24} color="var(--mantine-color-red-6)" aria-hidden="true" />
          </Dropzone.Reject>
          <Dropzone.Idle>
            <IconPaperclip size={compact ? 18 : 24} color="var(--mantine-color-gray-6)" aria-hidden="true" />
          </Dropzone.Idle>
          <div>
            <Text size="sm" fw={500}>
              {compact ? "Attach files" : touch ? "Tap to attach files" : "Drop files here, or click to choose"}
            </Text>
            {!compact && (
              <Text size="xs" c="dimmed">
                Screenshots, logs or documents that help explain the problem
              </Text>
            )}
          </div>
        </Group>
      </Dropzone>
      {uploads.items.length > 0 && (
        <Paper p={4} aria-label="Attached files" component="section">
          <Stack gap={0}>
            {uploads.items.map((u) => (
              <UploadRow key={u.key} upload={u} uploads={uploads} />
            ))}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

/** Links to download a ticket's or comment's files. */
export function AttachmentLinks({ attachments }: { attachments: Attachment[] }) {
  if (!attachments.length) return null;
  return <FileChips files={attachments} size="md" label="Attachments" gap="xs" mt="sm" />;
}
