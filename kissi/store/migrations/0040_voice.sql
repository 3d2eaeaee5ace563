-- Voice output: clip metadata. The audio itself lives in the instance folder under
-- audio/clips/<sha>.ogg (content-addressed), never in the database or the repo.

-- Clips made by a machine (gTTS while online, eSpeak NG offline) for a prompt or a number
-- word. Local only: every node can remake them, so they never sync.
-- key: 'p:<prompt key>' for a prompt, 'w:<word>' for a number word.
create table voice_clips (
  lang text not null,
  key text not null,
  source text not null check (source in ('gtts', 'espeak')),
  sha text not null,
  bytes integer not null,
  ms integer not null,
  created_at text not null,
  primary key (lang, key, source)
) without rowid;

-- Human recordings: prompts and number words recorded by a trainer for her cooperative's
-- language (cooperative_id null = for every cooperative), and voice labels a trader
-- recorded for her products and customers (shop_id set, key 'product:<id>' or
-- 'customer:<id>'). A synced record written through kissi.store.changes; the audio file follows
-- by its sha. A recording is pending until its maker accepts it.
create table voice_recordings (
  id text primary key,
  cooperative_id text references cooperatives(id),
  shop_id text references shops(id),
  lang text not null,
  key text not null,
  sha text not null,
  bytes integer not null,
  ms integer not null,
  user_id text,
  accepted integer not null default 0,
  created_at text not null,
  deleted integer not null default 0
);
create index voice_recordings_lookup on voice_recordings(lang, key, accepted, deleted);
create index voice_recordings_shop on voice_recordings(shop_id);
