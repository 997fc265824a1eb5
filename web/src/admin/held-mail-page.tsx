/**
 * Held mail: messages from strangers (and reused Message-IDs) waiting for someone to accept or
 * reject them. Agents see the same messages as a banner on each ticket; this page lists them
 * all, for the tickets the admin can see (every ticket).
 */
import { Anchor, Badge, Stack, Text } from "@mantine/core";
import type { HeldMail } from "@tessera/contracts";
import { Link } from "react-router";
import { mailKeys, useHeldMail, type HeldStatus } from "../api/mail.ts";
import { HELD_REASONS, HELD_STATUS, HeldDecision } from "../ui/held-mail.tsx";
import { formatDateTime } from "../ui/format.ts";
import { RichText } from "../ui/rich-text.tsx";
import { AdminCollectionPage } from "./scaffold/index.ts";
import classes from "./admin.module.css";
import mail from "./mail.module.css";
import { MailRow, useMailCollection } from "./mail-list-parts.tsx";
import { DetailPane, Facts } from "./detail-pane.tsx";

function HeldDetail({ held }: { held: HeldMail }) {
  return (
    <DetailPane
      label="Held message"
      back={{ to: "/admin/held-mail", label: "All held mail" }}
      title={held.subject || "(no subject)"}
      sub={`From ${held.from_address} · ${formatDateTime(held.received_at)}`}
      badge={
        <Badge variant="light" color={held.status === "held" ? "orange" : "gray"}>
          {HELD_STATUS[held.status]}
        </Badge>
      }
      gap="xs"
    >
      <Facts
        facts={[
          [
            "On ticket",
            <>
              <Anchor component={Link} to={`/agent/tickets/${held.ticket.reference}`} size="sm">
                {held.ticket.reference}
              </Anchor>{" "}
              {held.ticket.subject}
            </>,
          ],
          ["Why it is held", `${HELD_REASONS[held.reason]}${held.reason === "auto_reply_loop" && held.loop_reason ? ` (${held.loop_reason})` : ""}`],
        ]}
      />
      <Text size="sm" fw={500} mt="md" mb={6}>
        The message
      </Text>
      <div className={mail.mailBody}>
        <RichText html={held.body} />
      </div>
      <Stack mt="md">
        <HeldDecision held={held} />
      </Stack>
    </DetailPane>
  );
}

const FILTERS: Array<{ value: HeldStatus; label: string }> = [
  { value: "held", label: "Waiting" },
  { value: "decided", label: "Decided" },
  { value: "all", label: "All" },
];

export function HeldMailPage() {
  const { status, tabs, collection } = useMailCollection(FILTERS, { useList: useHeldMail, all: "all", key: mailKeys.held, path: "/admin/held-mail" });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Replies from people who are not part of a ticket wait here, and as a banner on their ticket, until an agent accepts or rejects them. Nothing held reaches the requester."
      listLabel="Held mail list"
      listHeader={tabs}
      emptyList={status === "held" ? "Nothing is waiting. Replies from strangers will appear here." : "Nothing here."}
      rowElement={(h) => (
        <MailRow key={h.id} to={collection.hrefOf(h)} inactive={h.status !== "held"} title={h.from_address} at={h.received_at}>
          <div className={classes.rowSub}>
            {h.ticket.reference} · {h.subject || "(no subject)"}
          </div>
          {h.status !== "held" && <div className={classes.rowSub}>{HELD_STATUS[h.status]}</div>}
        </MailRow>
      )}
      editor={(h) => <HeldDetail key={h.id} held={h} />}
      noun="message"
      pick="Read it, then accept it as a reply on its ticket (the sender joins the conversation), as a new ticket, or reject it."
      missing={{ title: "This message is not in the list", text: "Pick another one." }}
    />
  );
}
