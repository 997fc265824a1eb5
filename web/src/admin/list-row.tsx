/**
 * One entry of an admin list as most pages show it: a link to its editor with, in order, what
 * marks it (an icon or avatar), its title and a line about it, and a badge at the end. A badge
 * that belongs beside the title (a state, a time) goes in `aside` instead.
 */
import { Avatar, Group } from "@mantine/core";
import type { CSSProperties, ReactNode } from "react";
import { RowLink } from "./layout.tsx";
import classes from "./admin.module.css";

export function ListRow({
  to,
  inactive,
  lead,
  title,
  titleStyle,
  aside,
  sub,
  badge,
  children,
  className,
  style,
}: {
  to: string;
  inactive?: boolean;
  lead?: ReactNode;
  title: ReactNode;
  titleStyle?: CSSProperties;
  /** Beside the title, pushed to the far end of its line. */
  aside?: ReactNode;
  /** The line under the title; none when absent. */
  sub?: ReactNode;
  /** At the end of the row. */
  badge?: ReactNode;
  /** More lines under `sub`. */
  children?: ReactNode;
  className?: string;
  style?: CSSProperties;
}) {
  const heading = (
    <div className={classes.rowTitle} style={titleStyle}>
      {title}
    </div>
  );
  return (
    <RowLink to={to} inactive={inactive} className={className} style={style}>
      {lead}
      <div className={classes.rowMain}>
        {aside === undefined ? (
          heading
        ) : (
          <Group gap={8} justify="space-between" wrap="nowrap">
            {heading}
            {aside}
          </Group>
        )}
        {sub !== undefined && <div className={classes.rowSub}>{sub}</div>}
        {children}
      </div>
      {badge}
    </RowLink>
  );
}

/** The mark at the start of a row that stands for a group (a team, an organization). */
export function RowIcon({ icon }: { icon: ReactNode }) {
  return (
    <Avatar size={32} radius="md" color="gray" variant="light">
      {icon}
    </Avatar>
  );
}
