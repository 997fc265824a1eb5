/**
 * The frame every face of the app shares: a header with the logo, the face's navigation and
 * the account menu; on narrow screens the navigation moves into a drawer behind a burger.
 * The portal, the agent workspace and admin each pass their own `nav` and `actions`.
 */
import { AppShell, Avatar, Burger, Container, Group, Menu, NavLink, Stack, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconChevronDown, IconHeadset, IconLifebuoy, IconLogout, IconSettings } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Link, NavLink as RouterNavLink, useLocation, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { notifications } from "@mantine/notifications";
import type { Me } from "@tessera/contracts";
import { signOut } from "../api/endpoints.ts";
import { useSignedInUser } from "../api/queries.ts";
import { initials } from "../ui/format.ts";
import { errorMessage } from "../ui/query-state.tsx";
import { Logo } from "./logo.tsx";
import classes from "./app-frame.module.css";

export interface NavItem {
  label: string;
  to: string;
  icon?: ReactNode;
  /** Active only on exactly this address (for a face's home). */
  end?: boolean;
  /** Only in the narrow-screen menu (the header shows it as a button instead). */
  menuOnly?: boolean;
}

const isStaff = (me: Me) => me.role !== "requester";

function AccountMenu() {
  const me = useSignedInUser();
  const client = useQueryClient();
  const navigate = useNavigate();
  const leave = async () => {
    try {
      await signOut();
    } catch (err) {
      notifications.show({ color: "red", title: "Could not sign out", message: errorMessage(err) });
      return;
    }
    client.clear();
    client.setQueryData(["me"], null);
    navigate("/sign-in", { replace: true });
  };
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton className={classes.account} aria-label={`Account: ${me.name}`}>
          <Group gap={8} wrap="nowrap">
            <Avatar size={28} radius="xl" color="indigo" variant="light">
              {initials(me.name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" lineClamp={1} maw={160}>
              {me.name}
            </Text>
            <IconChevronDown size={14} aria-hidden="true" />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={500} c="dark.7" truncate>
            {me.name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {me.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/" leftSection={<IconLifebuoy size={16} />}>
          Support portal
        </Menu.Item>
        {isStaff(me) && (
          <Menu.Item component={Link} to="/agent" leftSection={<IconHeadset size={16} />}>
            Agent workspace
          </Menu.Item>
        )}
        {me.role === "admin" && (
          <Menu.Item component={Link} to="/admin" leftSection={<IconSettings size={16} />}>
            Admin settings
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={leave}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function AppFrame({
  area,
  home,
  nav,
  actions,
  fluid = false,
  children,
}: {
  area: string;
  home: string;
  nav: NavItem[];
  actions?: ReactNode;
  /** The header spans the whole width (the agent workspace uses every pixel), not a centred column. */
  fluid?: boolean;
  children: ReactNode;
}) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: "sm", collapsed: { mobile: !opened, desktop: true } }} padding={0}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header className={classes.header}>
        <Container size="lg" fluid={fluid} h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Group gap="lg" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? "Close navigation" : "Open navigation"} />
              <Link to={home} className={classes.logoLink} aria-label={`Tessera ${area}`}>
                <Logo area={area} />
              </Link>
              <nav aria-label={area}>
                <Group gap={4} visibleFrom="sm" wrap="nowrap">
                  {nav
                    .filter((item) => !item.menuOnly)
                    .map((item) => (
                      <RouterNavLink key={item.to} to={item.to} end={item.end} className={classes.navLink}>
                        {item.label}
                      </RouterNavLink>
                    ))}
                </Group>
              </nav>
            </Group>
            <Group gap="sm" wrap="nowrap">
              {actions}
              <AccountMenu />
            </Group>
          </Group>
        </Container>
      </AppShell.Header>
      {/* Rendered only while open: a hidden menu must not be reachable by Tab or a screen reader. */}
      {opened && (
        <AppShell.Navbar p="sm" aria-label={`${area} menu`} hiddenFrom="sm">
          <Stack gap={2}>
            {nav.map((item) => (
              <NavLink
                key={item.to}
                component={RouterNavLink}
                to={item.to}
                end={item.end}
                label={item.label}
                leftSection={item.icon}
                active={item.end ? location.pathname === item.to : location.pathname.startsWith(item.to)}
                onClick={close}
              />
            ))}
          </Stack>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
