-- What a signed-in phone keeps between two pages (the sale's basket, a PIN shown once to
-- a trainer) lives with its server-side session, not in the cookie: a cookie is written
-- back by every answer, so a slow answer (a voice clip, the service worker) that left
-- before a change would bring the old value back when it lands. Local, never synced.
alter table sessions add column data text;
