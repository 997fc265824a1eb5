/** A quiet line beside the send button: whether the draft has reached the server. */
import { Text, Tooltip } from "@mantine/core";
import type { DraftSaveState } from "./use-server-draft.ts";

export function DraftSaveStatus({ state, hasText }: { state: DraftSaveState; hasText: boolean }) {
  if (!hasText && state.kind !== "failed") return null;
  const text = state.kind === "retrying" ? "Not saved — retrying" : state.kind === "failed" ? "Draft not saved" : state.kind === "saved" ? "Draft saved" : "Saving draft…";
  const problem = state.kind === "retrying" || state.kind === "failed";
  const line = (
    <Text size="xs" c={problem ? "orange.8" : "dimmed"} aria-live="polite" style={{ whiteSpace: "nowrap" }}>
      {text}
    </Text>
  );
  if (state.kind === "failed") return <Tooltip label={`${state.message} The text is kept in this browser.`}>{line}</Tooltip>;
  if (state.kind === "retrying") return <Tooltip label="The text is kept in this browser until the server has it.">{line}</Tooltip>;
  return line;
}
