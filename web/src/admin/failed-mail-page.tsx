/**
 * Failed mail: messages Tessera could not take in (unreadable, too slow to parse, refused where
 * no sender could be told), kept as they arrived. An admin downloads the original, runs it
 * through intake again (after allowing its sender, say), or discards it.
 */
import { Alert, Anchor, Badge, Button, Group, Stack, Text } from "@mantine/core";
import { IconDownload, IconMailExclamation, IconRefresh, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FailedMail } from "@tessera/contracts";
import type { ReprocessResult } from "@tessera/contracts";
import type { z } from "zod";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { discardFailedMail, mailKeys, reprocessFailedMail, useFailedMail, type FailedStatus } from "../api/mail.ts";
import { formatBytes, formatDateTime } from "../ui/format.ts";
import { ActionError, announce, ConfirmDialog, Consequence } from "./layout.tsx";
import { MailRow, useMailCollection } from "./mail-list-parts.tsx";
import { AdminCollectionPage, useConfirmedAction } from "./scaffold/index.ts";
import classes from "./admin.module.css";
import mail from "./mail.module.css";
import { DetailPane, Facts } from "./detail-pane.tsx";

export const REASON_WORDS: Record<FailedMail["reason"], string> = {
  unparseable: "Could not be read",
  quarantined: "Took too long to read",
  no_from: "No sender address",
  too_large: "Too large",
  unknown_charset: "Unreadable character set",
  sender_not_allowed: "Sender not allowed",
};

const REASON_HELP: Record<FailedMail["reason"], string> = {
  unparseable: "The message is malformed in a way the mail parser gives up on. Download it to see what the sender's system produced.",
  quarantined: "Reading it took longer than the parse time limit, so it was set aside to keep other mail flowing.",
  no_from: "It has no From address, so Tessera cannot tell who wrote it or where to answer.",
  too_large: "It is larger than the largest message Tessera takes (TESSERA_MAIL_MAX_BYTES). Raise the limit and re-process it to bring it in.",
  unknown_charset: "It is written in a character set Tessera cannot read, and storing it would garble the text.",
  sender_not_allowed: "The mailbox takes new tickets only from known senders. Allow this sender in the mailbox, then re-process the message.",
};

const SOURCE_WORDS: Record<string, string> = { smtp: "Tessera’s SMTP listener", imap: "IMAP fetch", pipe: "Your mail server’s pipe (tessera mail ingest)", reprocess: "Re-processing" };
const STATUS_WORDS: Record<FailedMail["status"], string> = { open: "Waiting", reprocessed: "Re-processed", discarded: "Discarded" };
const OUTCOME_WORDS: Record<string, string> = {
  ticket: "It opened a ticket",
  reply: "It was added as a reply",
  held: "It is held for an agent to accept or reject",
  bounce: "It was a bounce, noted on its ticket",
  ignored: "It was recognised and needs nothing more",
  failed: "It still cannot be taken in",
  refused: "It is still refused",
  duplicate: "It had already been taken in",
};

function FailedDetail({ item }: { item: FailedMail }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [result, setResult] = useState<z.infer<typeof ReprocessResult> | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: mailKeys.allFailed });
  const reprocess = useMutation({
    mutationFn: () => reprocessFailedMail(item.id),
    onSuccess: (r) => {
      setResult(r);
      refresh();
    },
  });
  const discard = useConfirmedAction(
    () => discardFailedMail(item.id),
    () => {
      refresh();
      announce("The message was discarded. Its original stays downloadable under Discarded.");
      navigate("/admin/failed-mail");
    },
  );
  const open = item.status === "open";
  return (
    <DetailPane
      label="Failed message"
      back={{ to: "/admin/failed-mail", label: "All failed mail" }}
      title={item.subject || "(no subject)"}
      sub={`From ${item.from_address ?? "an unknown sender"}`}
      badge={
        <Badge variant="light" color={open ? "red" : "gray"}>
          {STATUS_WORDS[item.status]}
        </Badge>
      }
    >
      <Alert color="red" variant="light" icon={<IconMailExclamation size={18} />} title={REASON_WORDS[item.reason]} mb="md">
        <Text size="sm">{REASON_HELP[item.reason]}</Text>
        <Text size="xs" c="dimmed" mt={6} className={classes.mono}>
          {item.error}
        </Text>
      </Alert>
      <Facts
        facts={[
          ["Received", formatDateTime(item.created_at)],
          ["Came in by", SOURCE_WORDS[item.source] ?? item.source],
          ["Size", formatBytes(item.size)],
          ["Attempts", item.attempts],
          [
            "Ticket",
            item.ticket_id ? (
              <Anchor component={Link} to={`/agent/tickets/${item.ticket_id}`} size="sm">
                Open the ticket
              </Anchor>
            ) : null,
          ],
        ]}
      />
      <Group gap="sm" mt="lg">
        <Button component="a" href={item.raw_url} download={`failed-${item.id}.eml`} variant="default" leftSection={<IconDownload size={16} />}>
          Download original (.eml)
        </Button>
        <Button leftSection={<IconRefresh size={16} />} onClick={() => reprocess.mutate()} loading={reprocess.isPending} disabled={!open}>
          Re-process
        </Button>
        <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => discard.ask()} disabled={!open}>
          Discard
        </Button>
      </Group>
      <ActionError title="It was not re-processed" error={reprocess.error} mt="md" />
      {result && (
        <Alert mt="md" color={result.failed.status === "open" ? "orange" : "teal"} variant="light" role="status" title="Re-processed">
          {OUTCOME_WORDS[result.outcome] ?? result.outcome}.{" "}
          {result.ticket_id && (
            <Anchor component={Link} to={`/agent/tickets/${result.ticket_id}`} size="sm">
              Open the ticket
            </Anchor>
          )}
          {result.failed.status === "open" && ` ${result.failed.error}`}
        </Alert>
      )}
      <ConfirmDialog {...discard.dialog} title="Discard this message?" confirmLabel="Discard">
        <Stack gap="sm">
          <Consequence icon={<IconMailExclamation size={16} />}>No ticket is made from it and it leaves this list. Nobody is told: the sender is not answered.</Consequence>
          <Consequence icon={<IconDownload size={16} />}>Its original stays downloadable under “Discarded”.</Consequence>
        </Stack>
      </ConfirmDialog>
    </DetailPane>
  );
}

const FILTERS: Array<{ value: FailedStatus; label: string }> = [
  { value: "open", label: "Waiting" },
  { value: "reprocessed", label: "Re-processed" },
  { value: "discarded", label: "Discarded" },
  { value: "all", label: "All" },
];

export function FailedMailPage() {
  const { status, tabs, collection } = useMailCollection(FILTERS, { useList: useFailedMail, all: "all", key: mailKeys.failed, path: "/admin/failed-mail" });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Messages that could not be taken in, kept exactly as they arrived. Nothing here reached a ticket or was answered."
      listLabel="Failed mail list"
      listHeader={tabs}
      emptyList={status === "open" ? "No failed mail. Every message that arrived was taken in." : "Nothing here."}
      rowElement={(f) => (
        <MailRow key={f.id} to={collection.hrefOf(f)} inactive={f.status !== "open"} title={f.subject || "(no subject)"} at={f.created_at}>
          <div className={classes.rowSub}>{f.from_address ?? "Unknown sender"}</div>
          <div className={mail.rowError}>
            {REASON_WORDS[f.reason]}
            {f.status !== "open" ? ` · ${STATUS_WORDS[f.status]}` : ""}
          </div>
        </MailRow>
      )}
      editor={(f) => <FailedDetail key={f.id} item={f} />}
      noun="message"
      pick="See why it failed, download the original, run it through intake again, or discard it."
      missing={{ title: "This message is not in the list", text: "It may have been removed. Pick another one." }}
    />
  );
}
