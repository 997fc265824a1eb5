// First, so that a ticket link's first requests leave before the rest of the code runs.
import "./app/early-fetch.ts";
import "@fontsource-variable/inter";
import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./app/global.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { whenSignedOut } from "./api/client.ts";
import { keys, shouldRetry } from "./api/queries.ts";
import { openTicketLinkInView, startTicketEarly } from "./app/early-start.ts";
import { theme } from "./app/theme.ts";
import { createRouter } from "./routes.tsx";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, staleTime: 30_000 },
    mutations: { retry: false },
  },
});
// A session that ends (idle timeout, signed out in another tab) sends the person to sign in.
whenSignedOut(() => queryClient.setQueryData(keys.me, null));
openTicketLinkInView();
startTicketEarly(queryClient, window.location.pathname);
const router = createRouter();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
