/**
 * Mailboxes: the addresses Tessera takes mail at. The list shows each one's health at a glance
 * (last successful fetch, lag, messages waiting, the last error; red when failing or lagging);
 * the editor holds the address, where its new tickets go, the IMAP settings (the password is
 * write-only), what happens to processed mail, whether old mail is imported, and who may write.
 */
import { Alert, Anchor, Button, Group, Skeleton, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconInbox, IconPlus } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { useMailboxes, useMailboxHealth } from "../api/mail.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { AdminPage, EmptyEditor, RowLink, Split } from "./layout.tsx";
import { MailboxEditor, NewMailboxEditor } from "./mailbox-editors.tsx";
import { HealthBadge, HealthLine, healthTone } from "./mailbox-health.tsx";
import classes from "./admin.module.css";
import mail from "./mail.module.css";

export function MailboxesPage() {
  const { mailboxId } = useParams();
  const mailboxes = useMailboxes();
  const health = useMailboxHealth();
  const healthOf = (id: number) => health.data?.find((h) => h.mailbox_id === id);
  const selected = mailboxId && mailboxId !== "new" ? (mailboxes.data ?? []).find((m) => String(m.id) === mailboxId) : undefined;
  const failing = (health.data ?? []).filter((h) => healthTone(h) === "bad").length;
  let editor;
  if (mailboxId === "new") editor = <NewMailboxEditor />;
  else if (mailboxId && mailboxes.isPending) editor = <Stack p="lg"><Skeleton height={36} /><Skeleton height={120} /></Stack>;
  else if (selected) editor = <MailboxEditor key={selected.id} mailbox={selected} health={healthOf(selected.id)} />;
  else if (mailboxId && mailboxes.data)
    editor = (
      <EmptyEditor icon={<IconInbox size={32} stroke={1.5} />} title="This mailbox does not exist">
        Pick another one from the list.
      </EmptyEditor>
    );
  else
    editor = (
      <EmptyEditor icon={<IconInbox size={32} stroke={1.5} />} title="Pick a mailbox">
        Change where its tickets go, its IMAP settings, or who may write to it. Failing or lagging mailboxes are marked red in the list.
      </EmptyEditor>
    );
  return (
    <AdminPage
      title="Mailboxes"
      description={
        <>
          The addresses Tessera takes mail at. Messages that could not be read are under{" "}
          <Anchor component={Link} to="/admin/failed-mail" size="sm">
            Failed mail
          </Anchor>
          .
        </>
      }
      actions={
        <Button component={Link} to="/admin/mailboxes/new" leftSection={<IconPlus size={16} />}>
          Add mailbox
        </Button>
      }
    >
      <Split
        listLabel="Mailbox list"
        selected={!!mailboxId}
        list={
          mailboxes.isPending ? (
            <div style={{ padding: 12 }}><ListSkeleton label="Loading mailboxes" /></div>
          ) : mailboxes.isError ? (
            <div style={{ padding: 12 }}><LoadError title="Mailboxes could not be loaded" error={mailboxes.error} onRetry={() => void mailboxes.refetch()} /></div>
          ) : mailboxes.data.length === 0 ? (
            <Text size="sm" c="dimmed" p="md">
              No mailboxes yet. Add the address people write to for help, such as help@ or it-support@ at your domain.
            </Text>
          ) : (
            <>
              {failing > 0 && (
                <Alert color="red" variant="light" m="xs" icon={<IconAlertTriangle size={16} />} role="status">
                  {failing === 1 ? "One mailbox is failing or lagging." : `${failing} mailboxes are failing or lagging.`}
                </Alert>
              )}
              {health.isError && (
                <Text size="xs" c="red.8" px="md" pt="xs">
                  Health could not be loaded just now.
                </Text>
              )}
              <ul className={classes.rows}>
                {mailboxes.data.map((m) => {
                  const h = healthOf(m.id);
                  return (
                    <RowLink key={m.id} to={`/admin/mailboxes/${m.id}`} inactive={!m.active}>
                      <div className={classes.rowMain}>
                        <Group gap={8} justify="space-between" wrap="nowrap">
                          <div className={classes.rowTitle}>{m.address}</div>
                          <HealthBadge health={h} loading={health.isPending || health.isFetching} />
                        </Group>
                        <div className={classes.rowSub}>
                          {m.name}
                          {m.imap ? ` · IMAP ${m.imap.host}` : " · SMTP / pipe"}
                        </div>
                        {h && <HealthLine health={h} />}
                        {h?.last_error && <div className={mail.rowError}>{h.last_error}</div>}
                      </div>
                    </RowLink>
                  );
                })}
              </ul>
            </>
          )
        }
        editor={editor}
      />
    </AdminPage>
  );
}