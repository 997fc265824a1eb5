/**
 * Files attached to a new request or a reply: each is uploaded as soon as it is dropped
 * (POST /api/attachments), so that sending only names the uploaded ids.
 */
import { ActionIcon, Group, Loader, Paper, Stack, Text, ThemeIcon, Tooltip } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { IconAlertTriangle, IconCheck, IconPaperclip, IconRefresh, IconUpload, IconX } from "@tabler/icons-react";
import type { Attachment } from "@tessera/contracts";
import { useMediaQuery } from "@mantine/hooks";
import { useCallback, useRef, useState } from "react";
import { ApiError } from "../api/client.ts";
import { uploadAttachment } from "../api/endpoints.ts";
import { formatBytes } from "../ui/format.ts";
import { errorMessage } from "../ui/query-state.tsx";
import classes from "./attachments.module.css";

export interface Upload {
  key: string;
  file: File;
  status: "uploading" | "done" | "failed";
  attachment?: Attachment;
  error?: string;
}

let seq = 0;

function uploadError(err: unknown): string {
  if (err instanceof ApiError && err.status === 413) return "This file is larger than Tessera accepts.";
  return errorMessage(err);
}

export function useUploads() {
  const [items, setItems] = useState<Upload[]>([]);
  const update = (key: string, patch: Partial<Upload>) => setItems((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));
  const start = useCallback((key: string, file: File) => {
    uploadAttachment(file).then(
      (attachment) => update(key, { status: "done", attachment, error: undefined }),
      (err) => update(key, { status: "failed", error: uploadError(err) }),
    );
  }, []);
  const add = useCallback(
    (files: File[]) => {
      const added = files.map((file) => ({ key: `u${++seq}`, file, status: "uploading" as const }));
      setItems((all) => [...all, ...added]);
      for (const u of added) start(u.key, u.file);
    },
    [start],
  );
  const retry = (key: string) => {
    const u = items.find((i) => i.key === key);
    if (!u) return;
    update(key, { status: "uploading", error: undefined });
    start(key, u.file);
  };
  const remove = (key: string) => setItems((all) => all.filter((u) => u.key !== key));
  return {
    items,
    add,
    retry,
    remove,
    reset: () => setItems([]),
    ids: items.flatMap((u) => (u.attachment ? [u.attachment.id] : [])),
    busy: items.some((u) => u.status === "uploading"),
    failed: items.some((u) => u.status === "failed"),
  };
}

export type Uploads = ReturnType<typeof useUploads>;

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
        className={compact ? classes.dropCompact : classes.drop}
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
  return (
    <Group gap="xs" mt="sm" component="ul" className={classes.links} aria-label="Attachments">
      {attachments.map((a) => (
        <li key={a.id}>
          <a href={a.url} className={classes.link} download={a.filename}>
            <IconPaperclip size={14} aria-hidden="true" />
            <span className={classes.linkName}>{a.filename}</span>
            <Text span size="xs" c="dimmed">
              {formatBytes(a.size)}
            </Text>
          </a>
        </li>
      ))}
    </Group>
  );
}
