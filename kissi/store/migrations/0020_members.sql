-- Members and login: local tables only (never synced, written directly, not through
-- kissi.store.changes). A session or a failed PIN belongs to the node the phone talks to;
-- copying them to the hub would leak live credentials and buys nothing.

-- Server-side sessions. `id` is the SHA-256 of the random token kept in the cookie, so
-- a copy of the database does not hand out live sessions.
create table sessions (
  id text primary key,
  user_id text not null references users(id),
  client text,
  created_at text not null,
  last_seen text not null,
  revoked_at text
);
create index sessions_user on sessions(user_id);

-- One row per wrong PIN, per account (normalised phone, known or not) and client
-- address; read back over the last hour to compute the delay. A successful login or an
-- unlock deletes the account's rows.
create table login_failures (
  id integer primary key,
  phone text not null,
  client text not null,
  at real not null
);
create index login_failures_phone on login_failures(phone, at);
create index login_failures_client on login_failures(client, at);
