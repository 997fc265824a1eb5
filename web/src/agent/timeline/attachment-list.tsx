/**
 * A message's or ticket's files: pictures as thumbnails that open larger in place, other files
 * as download chips. Images load from the attachment URL (served with a sandboxing CSP), so a
 * file can never run as a page of ours.
 */
import { Anchor, Group, Stack, UnstyledButton } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import type { Attachment } from "@tessera/contracts";
import { useState } from "react";
import { formatBytes } from "../../ui/format.ts";
import { FileChips } from "../../ui/file-chip.tsx";
import { Modal } from "../../ui/overlays.tsx";
import classes from "../ticket/ticket-pane.module.css";
import focus from "../../ui/focus-ring.module.css";

const PREVIEWABLE = /^image\/(png|jpe?g|gif|webp)$/;
export const isImage = (a: Attachment) => PREVIEWABLE.test(a.content_type);

export function AttachmentList({ attachments, size = "md" }: { attachments: Attachment[]; size?: "sm" | "md" }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  if (!attachments.length) return null;
  const images = attachments.filter(isImage);
  const files = attachments.filter((a) => !isImage(a));
  return (
    <Stack gap={8} mt="sm">
      {images.length > 0 && (
        <Group gap={8} component="ul" className={classes.plainList} aria-label="Pictures">
          {images.map((a) => (
            <li key={a.id}>
              <UnstyledButton className={`${classes.thumb} ${focus.ring}`} data-size={size} onClick={() => setOpen(a)} aria-label={`Show ${a.filename} larger`}>
                <img src={a.url} alt={a.filename} loading="lazy" />
              </UnstyledButton>
            </li>
          ))}
        </Group>
      )}
      {files.length > 0 && <FileChips files={files} size="sm" label="Files" gap={6} />}
      <Modal opened={!!open} onClose={() => setOpen(null)} title={open?.filename} size="auto" centered>
        {open && (
          <Stack gap="sm" align="center">
            <img src={open.url} alt={open.filename} className={classes.preview} />
            <Anchor href={open.url} download={open.filename} size="sm">
              <Group gap={4}>
                <IconDownload size={14} aria-hidden="true" /> Download ({formatBytes(open.size)})
              </Group>
            </Anchor>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
