/** Reads of people, organizations and teams for the HTTP views. */
import { sql, type SqlBool } from "kysely";
import type { Executor } from "../context.ts";

export const userById = (db: Executor, id: number) => db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();

export interface UserFilters {
  /** Part of a name (any case) or an email. */
  q?: string;
  /** A role, or "staff" for everyone but requesters. */
  role?: "requester" | "agent" | "supervisor" | "admin" | "staff";
  organization?: number;
  active?: "true" | "false";
  /** Rows after this id. */
  cursor?: string;
}

/** People matching the filters in id order, `limit + 1` of them so the caller can tell whether a next page exists. */
export function findUsers(db: Executor, f: UserFilters, limit: number) {
  const { q, role, organization, active, cursor } = f;
  return db
    .selectFrom("users")
    .selectAll()
    .$if(!!q, (qb) => {
      const like = `%${q!.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
      // SQLite has no default LIKE escape character: without ESCAPE, "first_last" finds nobody.
      return qb.where((eb) => eb.or([sql<SqlBool>`lower(name) like ${like} escape '\\'`, sql<SqlBool>`email like ${like} escape '\\'`]));
    })
    .$if(role === "staff", (qb) => qb.where("role", "!=", "requester"))
    .$if(!!role && role !== "staff", (qb) => qb.where("role", "=", role as "agent"))
    .$if(organization !== undefined, (qb) => qb.where("organization_id", "=", organization!))
    .$if(active !== undefined, (qb) => qb.where("active", "=", active === "true" ? 1 : 0))
    .$if(cursor !== undefined, (qb) => qb.where("id", ">", Number(cursor)))
    .orderBy("id")
    .limit(limit + 1)
    .execute();
}

export const listOrganizations = (db: Executor) => db.selectFrom("organizations").selectAll().orderBy("name").execute();

export const listTeams = (db: Executor) => db.selectFrom("teams").selectAll().orderBy("name").execute();

export const teamById = (db: Executor, id: number) => db.selectFrom("teams").selectAll().where("id", "=", id).executeTakeFirst();
