-- The hub's refusal of this device (its error code: device_revoked or device_unknown). Kept
-- apart from last_error, which the next attempt overwrites (the hub out of reach), so every
-- page can keep telling the trader until a sync succeeds or the device is enrolled again.
alter table sync_state add column refused text;
