/**
 * The view of one item of a list that is read rather than edited (a failed or held message,
 * an outgoing one, an audit entry): its heading with a line under it and a badge, then facts
 * as a list of terms and values.
 */
import { Anchor, Group, Text, Title } from "@mantine/core";
import { Fragment, type ReactNode } from "react";
import { Link } from "react-router";
import classes from "./admin.module.css";
import mail from "./mail.module.css";

export function DetailPane({
  label,
  back,
  title,
  sub,
  badge,
  gap = "sm",
  children,
}: {
  /** The region's name for assistive technology: "Failed message". */
  label: string;
  /** The link back to the list, on a phone: its address and words. */
  back?: { to: string; label: string };
  title: ReactNode;
  sub?: ReactNode;
  badge?: ReactNode;
  /** The space under the heading. */
  gap?: string;
  children: ReactNode;
}) {
  return (
    <div className={classes.editorBody} role="region" aria-label={label}>
      {back && (
        <Anchor component={Link} to={back.to} size="sm" className={classes.backLink} mb="sm">
          {back.label}
        </Anchor>
      )}
      <Group justify="space-between" align="flex-start" mb={gap}>
        <div style={{ minWidth: 0 }}>
          <Title order={2} fz={17} style={{ overflowWrap: "anywhere" }}>
            {title}
          </Title>
          {sub !== undefined && (
            <Text size="sm" c="dimmed">
              {sub}
            </Text>
          )}
        </div>
        {badge}
      </Group>
      {children}
    </div>
  );
}

/** A fact: its term, its value (left out when null, undefined or false), and whether the value is code. */
export type Fact = [term: string, value: ReactNode, look?: "mono"];

export function Facts({ facts }: { facts: Fact[] }) {
  return (
    <dl className={mail.facts}>
      {facts.map(([term, value, look]) =>
        value === null || value === undefined || value === false ? null : (
          <Fragment key={term}>
            <dt>{term}</dt>
            <dd className={look === "mono" ? classes.mono : undefined}>{value}</dd>
          </Fragment>
        ),
      )}
    </dl>
  );
}
