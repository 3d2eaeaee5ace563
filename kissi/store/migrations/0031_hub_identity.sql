-- The hub's pinned identity on an edge (docs/security.md): the public key it was enrolled
-- with (base64 of the raw Ed25519 key); every sync answer must be signed by it. And the
-- push position below which nothing is ever sent again: set when the node's admin resets
-- its enrollment, so a later hub (perhaps another one) never receives what came before.
alter table sync_state add column hub_key text;
alter table sync_state add column push_floor integer not null default 0;
