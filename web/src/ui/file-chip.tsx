/** Files as download chips: a paperclip, the name (cut short when long) and the size. */
import { Group, Text, type MantineSpacing } from "@mantine/core";
import { IconPaperclip } from "@tabler/icons-react";
import type { Attachment } from "@tessera/contracts";
import { formatBytes } from "./format.ts";
import classes from "./file-chip.module.css";

type ChipSize = "sm" | "md";

export function FileChip({ file, size }: { file: Attachment; size: ChipSize }) {
  return (
    <a href={file.url} download={file.filename} className={classes.chip} data-size={size}>
      <IconPaperclip size={size === "sm" ? 13 : 14} aria-hidden="true" />
      <span className={classes.name}>{file.filename}</span>
      <Text span size="xs" c="dimmed">
        {formatBytes(file.size)}
      </Text>
    </a>
  );
}

/** A list of file chips, named for screen readers by `label`. */
export function FileChips({ files, size, label, gap, mt }: { files: Attachment[]; size: ChipSize; label: string; gap: MantineSpacing | number; mt?: MantineSpacing }) {
  return (
    <Group gap={gap} mt={mt} component="ul" className={classes.list} aria-label={label}>
      {files.map((a) => (
        <li key={a.id} className={classes.item}>
          <FileChip file={a} size={size} />
        </li>
      ))}
    </Group>
  );
}
