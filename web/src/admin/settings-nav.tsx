/**
 * The settings nav: the admin pages by section, and a search box over every setting and the
 * desk's own teams, categories, organizations, fields and statuses. Enter opens the first
 * match; the arrow keys move through the matches.
 */
import { CloseButton, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAdjustments, IconBuilding, IconCategory, IconForms, IconProgressCheck, IconSearch, IconUsers } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Link, NavLink, useNavigate } from "react-router";
import { fetchAllCategories, fetchAllCustomFields, fetchOrganizations, fetchStatuses, fetchTeams } from "../api/admin.ts";
import { adminKeys } from "../api/admin-queries.ts";
import { PAGE_ICONS } from "./page-icons.tsx";
import { matches, searchPages, SETTINGS_PAGES, SETTINGS_SECTIONS, type SearchResult } from "./settings.ts";
import classes from "./admin.module.css";

/** Things of the desk itself that the search finds, loaded only once someone searches. */
function useDeskItems(enabled: boolean): SearchResult[] {
  const teams = useQuery({ queryKey: adminKeys.teams, queryFn: fetchTeams, enabled });
  const categories = useQuery({ queryKey: adminKeys.categories, queryFn: fetchAllCategories, enabled });
  const orgs = useQuery({ queryKey: adminKeys.organizations, queryFn: fetchOrganizations, enabled });
  const fields = useQuery({ queryKey: adminKeys.customFields, queryFn: fetchAllCustomFields, enabled });
  const statuses = useQuery({ queryKey: adminKeys.statuses, queryFn: fetchStatuses, enabled });
  return useMemo(
    () => [
      ...(teams.data ?? []).map((t) => ({ key: `team-${t.id}`, label: t.name, hint: `Team · ${t.members.length} ${t.members.length === 1 ? "member" : "members"}`, to: `/admin/teams/${t.id}` })),
      ...(categories.data ?? []).map((c) => ({ key: `category-${c.id}`, label: c.path, hint: "Category", to: `/admin/categories/${c.id}` })),
      ...(orgs.data ?? []).map((o) => ({ key: `org-${o.id}`, label: o.name, hint: o.domain ? `Organization · ${o.domain}` : "Organization", to: `/admin/organizations/${o.id}` })),
      ...(fields.data ?? []).map((f) => ({ key: `field-${f.id}`, label: f.label, hint: `Custom field · ${f.key}`, to: `/admin/custom-fields/${f.id}` })),
      ...(statuses.data ?? []).map((s) => ({ key: `status-${s.key}`, label: s.label, hint: `Status · requesters see “${s.requester_label}”`, to: `/admin/statuses/${encodeURIComponent(s.key)}` })),
    ],
    [teams.data, categories.data, orgs.data, fields.data, statuses.data],
  );
}

function ResultIcon({ result }: { result: SearchResult }) {
  const kind = result.key.split("-")[0];
  if (PAGE_ICONS[result.key]) return <>{PAGE_ICONS[result.key]}</>;
  if (kind === "team") return <IconUsers size={16} aria-hidden="true" />;
  if (kind === "category") return <IconCategory size={16} aria-hidden="true" />;
  if (kind === "org") return <IconBuilding size={16} aria-hidden="true" />;
  if (kind === "field") return <IconForms size={16} aria-hidden="true" />;
  if (kind === "status") return <IconProgressCheck size={16} aria-hidden="true" />;
  return <IconAdjustments size={16} aria-hidden="true" />;
}

export function SettingsNav({ onNavigate }: { onNavigate?: () => void }) {
  const [query, setQuery] = useState("");
  const [debounced] = useDebouncedValue(query.trim(), 120);
  const searching = debounced.length > 0;
  const items = useDeskItems(searching);
  const navigate = useNavigate();
  const listRef = useRef<HTMLDivElement>(null);

  const results: SearchResult[] = useMemo(() => {
    if (!searching) return [];
    const pages = searchPages(debounced);
    const found = items.filter((i) => matches(debounced, i.label)).slice(0, 12);
    // A query that names no setting may be someone's name or email.
    const people: SearchResult[] = pages.length ? [] : [{ key: "people", label: `People matching “${debounced}”`, hint: "Users and roles", to: `/admin/users?q=${encodeURIComponent(debounced)}` }];
    return [...pages, ...found, ...people];
  }, [searching, debounced, items]);

  const go = (r: SearchResult) => {
    navigate(r.to);
    setQuery("");
    onNavigate?.();
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" && results[0]) {
      e.preventDefault();
      go(results[0]);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      listRef.current?.querySelector<HTMLAnchorElement>("a")?.focus();
    } else if (e.key === "Escape") {
      setQuery("");
    }
  };
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const links = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>("a") ?? [])];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (i < 0) return;
    e.preventDefault();
    links[Math.max(0, Math.min(links.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))]?.focus();
  };

  return (
    <nav aria-label="Settings" className={classes.nav}>
      <TextInput
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={onSearchKey}
        placeholder="Search settings"
        aria-label="Search settings"
        leftSection={<IconSearch size={14} aria-hidden="true" />}
        rightSection={query ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setQuery("")} /> : null}
        size="sm"
        mb={4}
      />
      <div ref={listRef} onKeyDown={onListKey}>
        {query.trim() ? (
          <>
            <Text className={classes.navHeading} component="h2" role="status">
              {searching ? `${results.length} ${results.length === 1 ? "match" : "matches"}` : "Searching…"}
            </Text>
            {results.map((r) => (
              <Link
                key={r.key}
                to={r.to}
                className={classes.navLink}
                onClick={() => {
                  setQuery("");
                  onNavigate?.();
                }}
              >
                <ResultIcon result={r} />
                <span className={classes.resultText}>
                  <span>{r.label}</span>
                  <span className={classes.resultHint}>{r.hint}</span>
                </span>
              </Link>
            ))}
          </>
        ) : (
          SETTINGS_SECTIONS.map((section) => (
            <div key={section}>
              <Text className={classes.navHeading} component="h2">
                {section}
              </Text>
              {SETTINGS_PAGES.filter((p) => p.section === section).map((p) => (
                <NavLink key={p.path} to={`/admin/${p.path}`} className={classes.navLink} onClick={onNavigate}>
                  {PAGE_ICONS[p.path]}
                  <span>{p.label}</span>
                </NavLink>
              ))}
            </div>
          ))
        )}
      </div>
    </nav>
  );
}
