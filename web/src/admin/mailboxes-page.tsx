/**
 * Mailboxes: the addresses Tessera takes mail at. The list shows each one's health at a glance
 * (last successful fetch, lag, messages waiting, the last error; red when failing or lagging);
 * the editor holds the address, where its new tickets go, the IMAP settings (the password is
 * write-only), what happens to processed mail, whether old mail is imported, and who may write.
 */
import { Alert, Anchor, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { Link } from "react-router";
import { mailKeys, useMailboxes, useMailboxHealth } from "../api/mail.ts";
import { AdminCollectionPage, Rows, useAdminCollection } from "./scaffold/index.ts";
import { MailboxEditor, NewMailboxEditor } from "./mailbox-editors.tsx";
import { HealthBadge, HealthLine, healthTone } from "./mailbox-health.tsx";
import mail from "./mail.module.css";
import { ListRow } from "./list-row.tsx";

export function MailboxesPage() {
  const collection = useAdminCollection({
    query: useMailboxes(),
    queryKey: mailKeys.mailboxes,
    alsoRefresh: [mailKeys.health],
    path: "/admin/mailboxes",
    noun: "mailbox",
    what: "mailboxes",
    order: (a, b) => a.address.localeCompare(b.address),
  });
  const health = useMailboxHealth();
  const healthOf = (id: number) => health.data?.find((h) => h.mailbox_id === id);
  const failing = (health.data ?? []).filter((h) => healthTone(h) === "bad").length;
  return (
    <AdminCollectionPage
      collection={collection}
      description={
        <>
          The addresses Tessera takes mail at. Messages that could not be read are under{" "}
          <Anchor component={Link} to="/admin/failed-mail" size="sm">
            Failed mail
          </Anchor>
          .
        </>
      }
      list={(all) => (
        <>
          {all.length > 0 && failing > 0 && (
            <Alert color="red" variant="light" m="xs" icon={<IconAlertTriangle size={16} />} role="status">
              {failing === 1 ? "One mailbox is failing or lagging." : `${failing} mailboxes are failing or lagging.`}
            </Alert>
          )}
          {all.length > 0 && health.isError && (
            <Text size="xs" c="red.8" px="md" pt="xs">
              Health could not be loaded just now.
            </Text>
          )}
          <Rows items={all} empty="No mailboxes yet. Add the address people write to for help, such as help@ or it-support@ at your domain.">
            {(m) => {
              const h = healthOf(m.id);
              return (
                <ListRow
                  key={m.id}
                  to={collection.hrefOf(m)}
                  inactive={!m.active}
                  title={m.address}
                  aside={<HealthBadge health={h} loading={health.isPending || health.isFetching} />}
                  sub={`${m.name}${m.imap ? ` · IMAP ${m.imap.host}` : " · SMTP / pipe"}`}
                >
                  {h && <HealthLine health={h} />}
                  {h?.last_error && <div className={mail.rowError}>{h.last_error}</div>}
                </ListRow>
              );
            }}
          </Rows>
        </>
      )}
      editor={(m) => <MailboxEditor key={m.id} mailbox={m} health={healthOf(m.id)} collection={collection} />}
      creator={() => <NewMailboxEditor collection={collection} />}
      pick="Change where its tickets go, its IMAP settings, or who may write to it. Failing or lagging mailboxes are marked red in the list."
    />
  );
}
