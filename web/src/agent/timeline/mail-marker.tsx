/**
 * What the timeline shows about a message that came by email: a small "via email" marker whose
 * menu downloads the original (.eml) or shows the whole message as received, and, when remote
 * images were blocked, a notice with "Load images" for that message alone.
 */
import { Button, Group, Menu, Text, UnstyledButton } from "@mantine/core";
import { IconChevronDown, IconDownload, IconMail, IconMailOpened, IconPhotoOff } from "@tabler/icons-react";
import type { ReceivedMail } from "@tessera/contracts";
import { useState } from "react";
import { formatDateTime } from "../../ui/format.ts";
import { Modal } from "../../ui/overlays.tsx";
import { RichText } from "../../ui/rich-text.tsx";
import classes from "../ticket/ticket-pane.module.css";
import focus from "../../ui/focus-ring.module.css";

export function ViaEmail({ mail }: { mail: ReceivedMail }) {
  const [whole, setWhole] = useState(false);
  return (
    <>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <UnstyledButton className={`${classes.viaEmail} ${focus.ring}`} aria-label={`Came by email from ${mail.from_address}: options`}>
            <IconMail size={12} aria-hidden="true" />
            via email
            <IconChevronDown size={10} aria-hidden="true" />
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            From {mail.from_address}
            <br />
            Received {formatDateTime(mail.received_at)}
          </Menu.Label>
          <Menu.Item leftSection={<IconDownload size={14} />} component="a" href={mail.raw_url} download={`message-${mail.id}.eml`}>
            Download the original (.eml)
          </Menu.Item>
          <Menu.Item leftSection={<IconMailOpened size={14} />} onClick={() => setWhole(true)}>
            Show the whole message
          </Menu.Item>
          {mail.no_auto_reply && <Menu.Label>Not answered automatically{mail.loop_reason ? `: ${mail.loop_reason}` : ""}</Menu.Label>}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={whole} onClose={() => setWhole(false)} title={mail.subject || "(no subject)"} size="xl">
        <Text size="xs" c="dimmed" mb="sm">
          From {mail.from_address} · {formatDateTime(mail.sent_at ?? mail.received_at)} · as received, quoted history included
        </Text>
        <WithBlockedImages html={mail.full_body} blocked={mail.remote_images} />
      </Modal>
    </>
  );
}

/** A message body; when its remote images are held back, says so and offers to load them. */
export function WithBlockedImages({ html, blocked }: { html: string; blocked: boolean }) {
  const [load, setLoad] = useState(false);
  return (
    <>
      {blocked && !load && (
        <Group gap={8} className={classes.blockedImages} role="note" wrap="nowrap">
          <IconPhotoOff size={14} aria-hidden="true" style={{ flexShrink: 0 }} />
          <Text size="xs" style={{ flex: 1 }}>
            Remote images were blocked to protect your privacy.
          </Text>
          <Button size="compact-xs" variant="default" onClick={() => setLoad(true)}>
            Load images
          </Button>
        </Group>
      )}
      <RichText html={html} loadRemoteImages={load} />
    </>
  );
}
