/** The mailbox editor's IMAP section: server, sign-in, folder, processed mail and old mail. */
import { Button, Group, NumberInput, PasswordInput, Radio, Stack, Switch, Text, TextInput } from "@mantine/core";
import { IconKey } from "@tabler/icons-react";
import type { Mailbox } from "@tessera/contracts";
import { useState } from "react";
import type { Draft } from "./mailbox-draft.ts";
import classes from "./admin.module.css";
import type { DraftBinding } from "./scaffold/index.ts";
import { Toggle } from "./scaffold/index.ts";

export function MailboxImapFields({ bind, stored }: { bind: DraftBinding<Draft>; stored?: Mailbox }) {
  const { draft, set, errors } = bind;
  const [changingPassword, setChangingPassword] = useState(false);
  const hasPassword = !!stored?.imap?.has_password;
  const firstConnection = !stored?.imap;
  return (
    <div className={classes.section}>
      <Toggle
        label="Fetch mail from an IMAP server"
        on="Tessera signs in to the mailbox, takes new mail as soon as the server announces it, and otherwise checks every minute."
        off="Off: mail reaches this address through Tessera’s SMTP listener or your mail server’s pipe (see the README)."
        {...bind.checked("imap")}
      >
        <Stack gap="sm" mt="md">
          <Group grow align="flex-start">
            <TextInput label="Server" required placeholder="imap.example.com" {...bind.text("host", "imap.host")} maxLength={253} />
            <NumberInput
              label="Port"
              placeholder={draft.tls ? "993" : "143"}
              min={1}
              max={65535}
              value={draft.port}
              onChange={(v) => set("port", typeof v === "number" ? v : "")}
              error={errors["imap.port"]}
              maw={140}
            />
          </Group>
          <Switch label="Encrypted connection (TLS)" {...bind.checked("tls")} />
          <Group grow align="flex-start">
            <TextInput label="User name" required autoComplete="off" {...bind.text("user", "imap.user")} maxLength={254} />
            {hasPassword && !changingPassword ? (
              <div>
                <Text size="sm" fw={500} mb={4}>
                  Password
                </Text>
                <Group gap="xs">
                  <Text size="sm" c="dimmed">
                    <IconKey size={14} aria-hidden="true" style={{ verticalAlign: -2, marginRight: 4 }} />
                    Set (never shown)
                  </Text>
                  <Button size="xs" variant="default" onClick={() => setChangingPassword(true)}>
                    Change
                  </Button>
                </Group>
              </div>
            ) : (
              <PasswordInput
                label={hasPassword ? "New password" : "Password"}
                required={!hasPassword}
                description={hasPassword ? "Leave empty to keep the stored one." : "Stored sealed; it is never shown again."}
                autoComplete="new-password"
                {...bind.text("password", "imap.password")}
                maxLength={1000}
              />
            )}
          </Group>
          <TextInput label="Folder" {...bind.text("folder", "imap.folder")} maxLength={200} maw={280} />
          <Radio.Group label="After a message is taken in" value={draft.processed_action} onChange={(v) => set("processed_action", v as Draft["processed_action"])} error={errors.processed_action}>
            <Stack gap={6} mt={6}>
              <Radio value="seen" label="Mark it as read and leave it in the folder" />
              <Radio value="move" label="Move it to another folder" />
            </Stack>
          </Radio.Group>
          {draft.processed_action === "move" && <TextInput label="Move to folder" required placeholder="Processed" {...bind.text("processed_folder")} maxLength={200} maw={280} />}
          <Radio.Group
            label="Mail already in the mailbox"
            description={firstConnection ? "Decided once, when Tessera first connects." : "Decided at the first connection; changing it now affects nothing already fetched."}
            value={draft.history_mode}
            onChange={(v) => set("history_mode", v as Draft["history_mode"])}
            error={errors.history_mode}
          >
            <Stack gap={8} mt={8}>
              <Radio value="new_only" label="Only new mail" description="Messages already there are left alone; tickets start with the next message that arrives." />
              <Radio value="import" label="Import it too" description="Every message already there becomes a ticket (or a reply), with its original date. Nobody is mailed about imported messages." />
            </Stack>
          </Radio.Group>
        </Stack>
      </Toggle>
    </div>
  );
}
