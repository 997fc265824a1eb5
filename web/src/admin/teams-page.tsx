/**
 * Teams and members: the teams that own tickets, each with a name and description (saved with
 * Save) and its members (added and removed at once, with an agent picker). Removing a member
 * says first which of the team's tickets are assigned to them.
 */
import { ActionIcon, Anchor, Avatar, Badge, Button, Group, Select, Stack, Text, Textarea, TextInput, Title, Tooltip } from "@mantine/core";
import { IconEye, IconPlus, IconUserMinus, IconUsersGroup } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Category, Team } from "@tessera/contracts";
import { useState } from "react";
import { Link } from "react-router";
import { addTeamMember, createTeam, removeTeamMember, updateTeam } from "../api/admin.ts";
import { adminKeys, refreshPeople, UNFINISHED, useAdminCategories, useAdminTeams, useAssignableStaff, useTicketCount } from "../api/admin-queries.ts";
import { initials } from "../ui/format.ts";
import { errorMessage } from "../ui/query-state.tsx";
import { effectiveTeam } from "./categories-page.tsx";
import { announce, ConfirmDialog, Consequence, Editor, EditorSection, SaveError, TicketsConsequence } from "./layout.tsx";
import {
  type AdminCollection,
  AdminCollectionPage,
  byName,
  bindDraft,
  type ConfirmedDialog,
  FormHeading,
  useAdminCollection,
  useConfirmedAction,
  useCreateForm,
  useEditForm,
} from "./scaffold/index.ts";
import { plural, possessive, ROLE_LABELS } from "./people.ts";
import classes from "./admin.module.css";
import { RowIcon } from "./list-row.tsx";

type Member = Team["members"][number];

function RemoveMemberDialog({ team, member, dialog }: { team: Team; member: Member | null; dialog: ConfirmedDialog }) {
  const assigned = useTicketCount({ team: String(team.id), assignee: String(member?.id ?? 0), status_category: UNFINISHED }, !!member);
  return (
    <ConfirmDialog {...dialog} title={member ? `Remove ${member.name} from ${team.name}?` : ""} confirmLabel="Remove from team">
      {member && (
        <Stack gap="sm">
          <Consequence icon={<IconEye size={16} />}>They stop seeing {possessive(team.name)} queue. Tickets assigned to them, or that they requested or watch, stay visible to them.</Consequence>
          <TicketsConsequence
            count={assigned}
            counting={`Counting ${possessive(team.name)} tickets assigned to them…`}
            failed="The tickets assigned to them could not be counted."
            none={`None of ${possessive(team.name)} unfinished tickets are assigned to them.`}
          >
            {(n) => (
              <>
                <strong>{plural(n, "unfinished ticket")}</strong> of {team.name} {n === 1 ? "is assigned to them and stays" : "are assigned to them and stay"} assigned: reassign{" "}
                {n === 1 ? "it" : "them"} in the agent workspace.
              </>
            )}
          </TicketsConsequence>
        </Stack>
      )}
    </ConfirmDialog>
  );
}

function Members({ team }: { team: Team }) {
  const client = useQueryClient();
  const staff = useAssignableStaff();
  const [picked, setPicked] = useState<string | null>(null);
  const removal = useConfirmedAction(
    (m: Member) => removeTeamMember(team.id, m.id),
    (_, m) => {
      refreshPeople(client);
      announce(`${m.name} is no longer in ${team.name}.`);
    },
  );
  const memberIds = new Set(team.members.map((m) => m.id));
  const candidates = (staff.data ?? []).filter((u) => !memberIds.has(u.id));
  const add = useMutation({
    mutationFn: (userId: number) => addTeamMember(team.id, userId),
    onSuccess: (saved, userId) => {
      client.setQueryData<Team[]>(adminKeys.teams, (all) => all?.map((t) => (t.id === saved.id ? saved : t)));
      refreshPeople(client);
      setPicked(null);
      const who = saved.members.find((m) => m.id === userId);
      announce(`${who?.name ?? "They"} joined ${saved.name}.`);
    },
  });
  return (
    <EditorSection
      title="Members"
      aside={
        <Text size="xs" c="dimmed">
          {plural(team.members.length, "member")} · changes apply at once
        </Text>
      }
    >
      <Text size="sm" c="dimmed" mb="sm">
        Members see and work the team's tickets. Only agents, supervisors and admins can join; to add a requester, make them an agent first.
      </Text>
      <Group gap="xs" align="flex-end" wrap="nowrap" mb="md">
        <Select
          label="Add an agent"
          placeholder={staff.isPending ? "Loading agents…" : candidates.length ? "Find by name or email" : "Every agent is already a member"}
          data={candidates.map((u) => ({ value: String(u.id), label: `${u.name} · ${u.email}` }))}
          value={picked}
          onChange={setPicked}
          searchable
          clearable
          nothingFoundMessage="No agent by that name (requesters cannot join teams)"
          disabled={!candidates.length}
          error={staff.isError ? "Agents could not be loaded" : add.error ? errorMessage(add.error) : undefined}
          style={{ flex: 1 }}
          comboboxProps={{ withinPortal: true }}
        />
        <Button leftSection={<IconPlus size={16} />} disabled={!picked} loading={add.isPending} onClick={() => picked && add.mutate(Number(picked))} variant="light">
          Add to team
        </Button>
      </Group>
      {team.members.length === 0 ? (
        <Text size="sm" c="dimmed" fs="italic">
          No members yet. Tickets routed to {team.name} wait in its queue until someone joins.
        </Text>
      ) : (
        <ul className={classes.rows} style={{ padding: 0 }} aria-label={`Members of ${team.name}`}>
          {team.members.map((m) => (
            <li key={m.id}>
              <Group gap="sm" wrap="nowrap" py={6} px={4}>
                <Avatar size={30} radius="xl" color="indigo" variant="light">
                  {initials(m.name)}
                </Avatar>
                <div className={classes.rowMain}>
                  <Link to={`/admin/users/${m.id}`} className={`${classes.rowTitle} ${classes.nameLink}`} style={{ display: "block" }}>
                    {m.name}
                  </Link>
                  <div className={classes.rowSub}>{m.email}</div>
                </div>
                <Badge variant="light" color="gray">
                  {ROLE_LABELS[m.role]}
                </Badge>
                <Tooltip label={`Remove from ${team.name}`}>
                  <ActionIcon variant="subtle" color="gray" onClick={() => removal.ask(m)} aria-label={`Remove ${m.name} from ${team.name}`}>
                    <IconUserMinus size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            </li>
          ))}
        </ul>
      )}
      <RemoveMemberDialog team={team} member={removal.subject} dialog={removal.dialog} />
    </EditorSection>
  );
}

function Routing({ team }: { team: Team }) {
  const categories = useAdminCategories();
  const open = useTicketCount({ team: String(team.id), status_category: UNFINISHED });
  const all = categories.data ?? [];
  const routed = all.filter((c) => c.active && effectiveTeam(all, c)?.id === team.id);
  const ids = new Set(routed.map((c) => c.id));
  // Name the top of each routed branch, with how many of its subcategories come along.
  const tops = routed.filter((c) => c.parent_id === null || !ids.has(c.parent_id));
  const isUnder = (c: Category, top: number) => {
    for (let p = c.parent_id, depth = 0; p !== null && depth < 20; depth++) {
      if (p === top) return true;
      p = all.find((x) => x.id === p)?.parent_id ?? null;
    }
    return false;
  };
  const under = (top: number) => routed.filter((c) => isUnder(c, top)).length;
  return (
    <EditorSection title="Queue and routing">
      <Text size="sm" mb={6}>
        {open.data ? `${plural(open.data.count, "unfinished ticket")} in ${possessive(team.name)} queue.` : "\u00a0"}
      </Text>
      <Text size="sm" c="dimmed">
        {tops.length ? (
          <>
            New tickets come here from{" "}
            {tops.map((c, i) => (
              <span key={c.id}>
                {i > 0 && (i === tops.length - 1 ? " and " : ", ")}
                <Anchor component={Link} to={`/admin/categories/${c.id}`} inherit>
                  {c.path}
                </Anchor>
                {under(c.id) > 0 && ` (with ${plural(under(c.id), "subcategory", "subcategories")})`}
              </span>
            ))}
            .
          </>
        ) : (
          "No category sends its tickets here by default. Set a default team on the Categories page."
        )}
      </Text>
    </EditorSection>
  );
}

interface TeamDraft {
  name: string;
  description: string;
}

const FIELDS = ["name", "description"];
const draftOf = (t: Team): TeamDraft => ({ name: t.name, description: t.description });
const checkName = (d: TeamDraft): Record<string, string> => (d.name.trim() ? {} : { name: "Give the team a name" });
const inputOf = (d: TeamDraft) => ({ name: d.name.trim(), description: d.description });

function TeamFields({ draft, setDraft, errors, creating }: { draft: TeamDraft; setDraft: (d: TeamDraft) => void; errors: Record<string, string>; creating?: boolean }) {
  const bind = bindDraft(draft, setDraft, errors);
  return (
    <>
      <TextInput label="Name" required {...bind.text("name")} maxLength={100} placeholder={creating ? "e.g. Network" : undefined} data-autofocus={creating || undefined} />
      <Textarea
        label="Description"
        description={creating ? undefined : "What the team handles, so agents and admins route tickets to the right place."}
        autosize
        minRows={2}
        maxRows={6}
        {...bind.text("description")}
        maxLength={2000}
      />
    </>
  );
}

function TeamEditor({ team, collection }: { team: Team; collection: AdminCollection<Team> }) {
  const client = useQueryClient();
  const form = useEditForm(collection, team, { fields: FIELDS, conflictField: "name", check: checkName, draftOf, save: (d) => updateTeam(team.id, inputOf(d)), onSaved: () => refreshPeople(client) });
  return (
    <Editor label={`Edit team ${team.name}`} {...form.editorProps}>
      <Title order={2} fz={17} mb="md">
        {team.name}
      </Title>
      <Stack gap="md">
        <TeamFields draft={form.draft} setDraft={form.setDraft} errors={form.errors} />
        <SaveError message={form.general} />
      </Stack>
      <Members team={team} />
      <Routing team={team} />
    </Editor>
  );
}

const EMPTY: TeamDraft = { name: "", description: "" };

function NewTeamEditor({ collection }: { collection: AdminCollection<Team> }) {
  const client = useQueryClient();
  const form = useCreateForm(collection, {
    base: EMPTY,
    fields: FIELDS,
    conflictField: "name",
    check: checkName,
    save: (d) => createTeam(inputOf(d)),
    onSaved: () => refreshPeople(client),
    announce: (team) => `The team ${team.name} was created. Add its members now.`,
  });
  return (
    <Editor label="New team" {...form.editorProps} saveLabel="Create team">
      <FormHeading title="New team">After creating it, add its members and make it the default team of some categories.</FormHeading>
      <Stack gap="md">
        <TeamFields draft={form.draft} setDraft={form.setDraft} errors={form.errors} creating />
        <SaveError title="The team was not created" message={form.general} />
      </Stack>
    </Editor>
  );
}

export function TeamsPage() {
  const collection = useAdminCollection({ query: useAdminTeams(), queryKey: adminKeys.teams, path: "/admin/teams", noun: "team", order: byName });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Teams own tickets: their members see and work the team's queue."
      addLabel="New team"
      emptyList="No teams yet. Create the first one: tickets are routed to teams."
      row={(t) => ({
        lead: <RowIcon icon={<IconUsersGroup size={16} />} />,
        title: t.name,
        sub: `${plural(t.members.length, "member")}${t.description ? ` · ${t.description}` : ""}`,
      })}
      editor={(t) => <TeamEditor key={t.id} team={t} collection={collection} />}
      creator={() => <NewTeamEditor collection={collection} />}
      pick="Rename it, describe what it handles, and add or remove its members. Tickets reach a team from the default team of their category."
      missing={{ title: "This team does not exist", text: "It may have been removed. Pick another team from the list." }}
      skeleton={80}
    />
  );
}
