/**
 * Who has an unsent reply or note on a ticket. In a list row: "Draft" in red for your own,
 * a pen with the first name for a teammate's ("Lee"). Above the composer: "Lee Park has a
 * draft here" — your own draft is already in the box, so it is not repeated.
 */
import { Text, Tooltip } from "@mantine/core";
import { IconPencil } from "@tabler/icons-react";
import type { DraftMarker, NamedRef } from "@tessera/contracts";
import { useSignedInUser } from "../../api/queries.ts";
import { firstName, formatRelative } from "../../ui/format.ts";

const names = (people: NamedRef[]) => (people.length <= 2 ? people.map((p) => p.name).join(" and ") : `${people[0].name} and ${people.length - 1} others`);

/** The list row's marker; nothing when nobody is drafting. */
export function RowDraftMarker({ draftBy }: { draftBy: NamedRef[] | undefined }) {
  const me = useSignedInUser();
  const all = draftBy ?? [];
  if (!all.length) return null;
  const mine = all.some((u) => u.id === me.id);
  const others = all.filter((u) => u.id !== me.id);
  const label = [mine ? "You have a draft" : "", others.length ? `${names(others)} ${others.length === 1 ? "has a draft" : "have drafts"}` : ""].filter(Boolean).join("; ");
  return (
    <Tooltip label={label}>
      <span role="img" aria-label={label} style={{ display: "inline-flex", alignItems: "center", gap: 3, flexShrink: 0, fontSize: 11, lineHeight: "16px" }}>
        {mine && <span style={{ color: "var(--mantine-color-red-7)", fontWeight: 500 }}>Draft</span>}
        {others.length > 0 && (
          <span style={{ display: "inline-flex", alignItems: "center", gap: 2, color: "var(--mantine-color-blue-7)" }}>
            <IconPencil size={11} aria-hidden="true" />
            {others.length === 1 ? firstName(others[0].name) : others.length}
          </span>
        )}
      </span>
    </Tooltip>
  );
}

/** Above the composer: teammates with a draft on this ticket, so two people do not answer at once. */
export function TicketDraftNotice({ drafts }: { drafts: DraftMarker[] | undefined }) {
  const me = useSignedInUser();
  const others = (drafts ?? []).filter((d) => d.user.id !== me.id);
  if (!others.length) return null;
  return (
    <Text size="xs" c="blue.8" mb={6} role="status" style={{ display: "flex", alignItems: "center", gap: 4, minWidth: 0 }}>
      <IconPencil size={12} aria-hidden="true" style={{ flexShrink: 0 }} />
      <span style={{ minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
        {others.length === 1
          ? `${others[0].user.name} has a draft ${others[0].mode === "note" ? "note" : "reply"} here, saved ${formatRelative(others[0].updated_at)}`
          : `${names(others.map((d) => d.user))} have drafts here`}
      </span>
    </Text>
  );
}
