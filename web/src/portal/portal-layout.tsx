import { Button } from "@mantine/core";
import { IconHome, IconList, IconPlus } from "@tabler/icons-react";
import { useEffect, useRef } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { AppFrame } from "../app/app-frame.tsx";
import { RequireSignIn } from "../app/guards.tsx";

const NAV = [
  { label: "Home", to: "/", end: true, icon: <IconHome size={16} /> },
  { label: "My requests", to: "/requests", end: true, icon: <IconList size={16} /> },
  { label: "New request", to: "/requests/new", end: true, icon: <IconPlus size={16} />, menuOnly: true },
];

/**
 * After moving to another page, keyboard and screen-reader users start at the new page's
 * content, as they would after a full page load, not on the link they just followed.
 */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main")?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [pathname]);
}

function PortalPages() {
  useFocusOnNavigation();
  return <Outlet />;
}

export function PortalLayout() {
  return (
    <RequireSignIn>
      <AppFrame
        area="Support"
        home="/"
        nav={NAV}
        actions={
          <Button component={Link} to="/requests/new" leftSection={<IconPlus size={16} />} visibleFrom="xs">
            New request
          </Button>
        }
      >
        <PortalPages />
      </AppFrame>
    </RequireSignIn>
  );
}
