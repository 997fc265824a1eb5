/**
 * Files being attached to a request, reply or note: each is uploaded as soon as it is chosen
 * (POST /api/attachments), so that sending only names the uploaded ids. No drop area here: the
 * portal wraps this in one (portal/attachments.tsx); the agent composer takes drops on itself.
 */
import type { Attachment } from "@tessera/contracts";
import { useCallback, useState } from "react";
import { ApiError } from "../api/client.ts";
import { uploadAttachment } from "../api/endpoints.ts";
import { errorMessage } from "./query-state.tsx";

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
