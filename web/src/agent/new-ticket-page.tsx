/**
 * Filing a ticket for someone on the phone or at the desk: find the person by name or email,
 * or enter a new one (the server creates them as a requester), then the request itself.
 */
import { Anchor, Checkbox, Container, Grid, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TICKET_TYPES, type Channel, type Level, type TicketType, type User } from "@tessera/contracts";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError, newIdempotencyKey } from "../api/client.ts";
import { searchPeople } from "../api/agent.ts";
import { agentKeys, useTeams } from "../api/agent-queries.ts";
import { createTicket, type NewTicket } from "../api/endpoints.ts";
import { keys, useCategories, useSignedInUser } from "../api/queries.ts";
import { AttachmentsField, useUploads } from "../portal/attachments.tsx";
import { ErrorAlert } from "../ui/query-state.tsx";
import { TYPE_LABELS } from "./list/filter-bar.tsx";
import { setPageTitle } from "./title.ts";
import classes from "./workspace.module.css";
import { toast } from "./toast.ts";
import { GrowingTextarea } from "../ui/growing-textarea.tsx";
import { FormButtons } from "../ui/form-buttons.tsx";

const CHANNELS: Array<{ value: Channel; label: string }> = [
  { value: "phone", label: "Phone" },
  { value: "email", label: "Email" },
  { value: "chat", label: "Chat" },
  { value: "web", label: "Web" },
];
const LEVELS: Array<{ value: Level; label: string }> = [
  { value: "low", label: "Low" },
  { value: "medium", label: "Medium" },
  { value: "high", label: "High" },
];

function PersonPicker({ value, onChange, error }: { value: User | null; onChange: (u: User | null) => void; error?: string }) {
  const [search, setSearch] = useState("");
  const [found, setFound] = useState<User[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    const q = search.trim();
    if (q.length < 2 || (value && search === label(value))) return;
    const ctl = new AbortController();
    setLoading(true);
    const t = setTimeout(() => {
      searchPeople(q, ctl.signal).then(
        (page) => {
          setFound(page.items);
          setLoading(false);
        },
        () => setLoading(false),
      );
    }, 250);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [search, value]);
  const label = (u: User) => `${u.name} · ${u.email}`;
  const data = useMemo(() => {
    const all = value && !found.some((u) => u.id === value.id) ? [value, ...found] : found;
    return all.map((u) => ({ value: String(u.id), label: label(u) }));
  }, [found, value]);
  return (
    <Select
      label="Requester"
      description="Search by name or email"
      placeholder="Start typing a name or email"
      searchable
      clearable
      data={data}
      value={value ? String(value.id) : null}
      onChange={(v) => onChange([...found, ...(value ? [value] : [])].find((u) => String(u.id) === v) ?? null)}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={search.trim().length < 2 ? "Type at least two letters" : loading ? "Searching…" : "Nobody found: add them as a new person"}
      error={error}
      required
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** A segmented choice under a label of its own (the control has none), which names it for screen readers. */
function LabelledSegments<T extends string>({
  id,
  label,
  value,
  onChange,
  data,
  fullWidth,
}: {
  id: string;
  label: string;
  value: T;
  onChange: (v: T) => void;
  data: Array<{ value: T; label: string }>;
  fullWidth?: boolean;
}) {
  return (
    <>
      <Text size="sm" fw={500} mb={4} id={id}>
        {label}
      </Text>
      <SegmentedControl fullWidth={fullWidth} value={value} onChange={(v) => onChange(v as T)} data={data} aria-labelledby={id} />
    </>
  );
}

export function NewTicketPage() {
  const me = useSignedInUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const categories = useCategories();
  const teams = useTeams();
  const uploads = useUploads();
  const idempotencyKey = useRef(newIdempotencyKey());
  const [who, setWho] = useState<"existing" | "new">("existing");
  const [person, setPerson] = useState<User | null>(null);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [channel, setChannel] = useState<Channel>("phone");
  const [subject, setSubject] = useState("");
  const [description, setDescription] = useState("");
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [type, setType] = useState<TicketType | null>(null);
  const [impact, setImpact] = useState<Level>("medium");
  const [urgency, setUrgency] = useState<Level>("medium");
  const [teamId, setTeamId] = useState<string | null>(null);
  const [assignMe, setAssignMe] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => setPageTitle("New ticket · Tessera"), []);

  const category = (categories.data ?? []).find((c) => String(c.id) === categoryId);
  const effectiveTeam = teamId ? Number(teamId) : (category?.default_team?.id ?? null);
  // Only a member of the ticket's team may be its assignee.
  const canAssignMe = effectiveTeam === null || me.team_ids.includes(effectiveTeam);

  const submit = useMutation({
    mutationFn: (input: NewTicket) => createTicket(input, idempotencyKey.current),
    onSuccess: (t) => {
      client.setQueryData(keys.ticket(t.reference), t);
      void client.invalidateQueries({ queryKey: agentKeys.counts });
      toast({ color: "teal", title: `${t.reference} created`, message: `Filed for ${t.requester.name}.` });
      navigate(`/agent/tickets/${t.reference}`);
    },
    onError: (err) => {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
    },
  });

  const send = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (who === "existing" && !person) found.requester_id = "Choose the person, or add a new one";
    if (who === "new" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found["requester.email"] = "Enter their email address";
    if (!subject.trim()) found.subject = "Give the ticket a short subject";
    setErrors(found);
    if (Object.keys(found).length) return;
    submit.mutate({
      subject: subject.trim(),
      description: description.trim(),
      format: "text",
      channel,
      ...(who === "existing" ? { requester_id: person!.id } : { requester: { email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) } }),
      ...(category ? { category_id: category.id } : {}),
      ...(type ? { type } : {}),
      impact,
      urgency,
      ...(teamId ? { team_id: Number(teamId) } : {}),
      ...(assignMe && canAssignMe ? { assignee_id: me.id } : {}),
      ...(uploads.ids.length ? { attachment_ids: uploads.ids } : {}),
    });
  };

  return (
    <div className={classes.page}>
      <Container size="md" py="lg">
        <Anchor component={Link} to="/agent" size="sm">
          <Group gap={4} component="span">
            <IconArrowLeft size={14} aria-hidden="true" /> Back to tickets
          </Group>
        </Anchor>
        <Title order={1} mt="xs" mb={4} fz={22}>
          New ticket for a requester
        </Title>
        <Text size="sm" c="dimmed" mb="lg">
          For a request that came by phone, chat or in person. The requester sees it in their portal and gets the replies.
        </Text>
        <Paper p="lg" component="form" onSubmit={send} noValidate aria-label="New ticket">
          <Stack gap="md">
            <SegmentedControl
              value={who}
              onChange={(v) => setWho(v as "existing" | "new")}
              data={[
                { value: "existing", label: "Someone we know" },
                { value: "new", label: "A new person" },
              ]}
              w="fit-content"
              aria-label="Requester"
            />
            {who === "existing" ? (
              <PersonPicker value={person} onChange={setPerson} error={errors.requester_id} />
            ) : (
              <Grid gutter="sm">
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <TextInput label="Their email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors["requester.email"] ?? errors.requester} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <TextInput label="Their name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors["requester.name"]} />
                </Grid.Col>
              </Grid>
            )}
            <div>
              <LabelledSegments id="channel-label" label="How they reached us" value={channel} onChange={setChannel} data={CHANNELS} />
            </div>
            <TextInput label="Subject" required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} maxLength={300} error={errors.subject} />
            <GrowingTextarea label="Description" description="What they told you" lines={[4, 14]} value={description} onChange={setDescription} error={errors.description} />
            <Grid gutter="sm">
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label="Category"
                  data={(categories.data ?? []).filter((c) => c.active).map((c) => ({ value: String(c.id), label: c.path }))}
                  value={categoryId}
                  onChange={setCategoryId}
                  searchable
                  clearable
                  placeholder="Choose a category"
                  error={errors.category_id}
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label="Type"
                  data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
                  value={type}
                  onChange={(v) => setType(v as TicketType | null)}
                  clearable
                  placeholder={category?.default_type ? `${TYPE_LABELS[category.default_type]} (from the category)` : "Incident"}
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <LabelledSegments id="impact-label" label="Impact" value={impact} onChange={setImpact} data={LEVELS} fullWidth />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <LabelledSegments id="urgency-label" label="Urgency" value={urgency} onChange={setUrgency} data={LEVELS} fullWidth />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label="Team"
                  data={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
                  value={teamId}
                  onChange={setTeamId}
                  clearable
                  placeholder={category?.default_team ? `${category.default_team.name} (from the category)` : "No team (triage)"}
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }} style={{ display: "flex", alignItems: "flex-end" }}>
                <Checkbox
                  label={canAssignMe ? "Assign it to me" : "Assign it to me (you are not in this team)"}
                  checked={assignMe && canAssignMe}
                  disabled={!canAssignMe}
                  onChange={(e) => setAssignMe(e.currentTarget.checked)}
                  mb={8}
                />
              </Grid.Col>
            </Grid>
            <div>
              <Text size="sm" fw={500} mb={4}>
                Attachments
              </Text>
              <AttachmentsField uploads={uploads} compact />
            </div>
            <ErrorAlert error={submit.error} title="The ticket was not created">
              {Object.keys(errors).length ? "Check the fields marked in red, then try again." : undefined}
            </ErrorAlert>
            <FormButtons cancelTo="/agent" submit="Create ticket" loading={submit.isPending} disabled={uploads.busy || uploads.failed} />
          </Stack>
        </Paper>
      </Container>
    </div>
  );
}
