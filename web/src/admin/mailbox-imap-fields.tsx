/** The mailbox editor's IMAP section: server, sign-in, folder, processed mail and old mail. */
import { Button, Group, NumberInput, PasswordInput, Radio, Stack, Switch, Text, TextInput } from "@mantine/core";
import { IconKey } from "@tabler/icons-react";
import type { Mailbox } from "@tessera/contracts";
import { useState } from "react";
import type { Draft } from "./mailbox-draft.ts";
import classes from "./admin.module.css";

export function MailboxImapFields({ draft, set, errors, stored }: { draft: Draft; set: <K extends keyof Draft>(k: K, v: Draft[K]) => void; errors: Record<string, string>; stored?: Mailbox }) {
  const [changingPassword, setChangingPassword] = useState(false);
  const hasPassword = !!stored?.imap?.has_password;
  const firstConnection = !stored?.imap;
  return (
    <div className={classes.section}>
      <Switch
        label="Fetch mail from an IMAP server"
        description={
          draft.imap
            ? "Tessera signs in to the mailbox, takes new mail as soon as the server announces it, and otherwise checks every minute."
            : "Off: mail reaches this address through Tessera’s SMTP listener or your mail server’s pipe (see the README)."
        }
        checked={draft.imap}
        onChange={(e) => set("imap", e.currentTarget.checked)}
        error={errors.imap}
      />
      {draft.imap && (
        <Stack gap="sm" mt="md">
          <Group grow align="flex-start">
            <TextInput label="Server" required placeholder="imap.example.com" value={draft.host} onChange={(e) => set("host", e.currentTarget.value)} error={errors["imap.host"]} maxLength={253} />
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
          <Switch label="Encrypted connection (TLS)" checked={draft.tls} onChange={(e) => set("tls", e.currentTarget.checked)} />
          <Group grow align="flex-start">
            <TextInput label="User name" required autoComplete="off" value={draft.user} onChange={(e) => set("user", e.currentTarget.value)} error={errors["imap.user"]} maxLength={254} />
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
                value={draft.password}
                onChange={(e) => set("password", e.currentTarget.value)}
                error={errors["imap.password"]}
                maxLength={1000}
              />
            )}
          </Group>
          <TextInput label="Folder" value={draft.folder} onChange={(e) => set("folder", e.currentTarget.value)} error={errors["imap.folder"]} maxLength={200} maw={280} />
          <Radio.Group label="After a message is taken in" value={draft.processed_action} onChange={(v) => set("processed_action", v as Draft["processed_action"])} error={errors.processed_action}>
            <Stack gap={6} mt={6}>
              <Radio value="seen" label="Mark it as read and leave it in the folder" />
              <Radio value="move" label="Move it to another folder" />
            </Stack>
          </Radio.Group>
          {draft.processed_action === "move" && (
            <TextInput
              label="Move to folder"
              required
              placeholder="Processed"
              value={draft.processed_folder}
              onChange={(e) => set("processed_folder", e.currentTarget.value)}
              error={errors.processed_folder}
              maxLength={200}
              maw={280}
            />
          )}
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
      )}
    </div>
  );
}
