"""Phone numbers in E.164, and each cooperative's country (see kissi.store.phones).

- ``cooperatives.country``: ISO 3166 alpha-2 (CI, SN, ML, BF...); empty means the node's
  default (``KISSI_DEFAULT_COUNTRY``). It syncs with the cooperative like its name.
- every user's phone becomes its E.164 form, local numbers read in her cooperative's
  country. The oldest live account keeps a number that several spellings shared; a
  younger look-alike, or a number that is not one, stays as typed (with a ``#`` in front
  when even that spelling is taken): no login resolves to it any more.
- the same rewrite is made in the change log, so that a hub relaying old entries to a
  new device sends the normalised number, not the old spelling.
- ``users.phone`` was already unique as text; on the E.164 form it now means one account
  per number, and it refuses a look-alike arriving by sync on every node.

Written directly, not through the change log: every node runs the same rewrite, and an
edge must not push edits of rows outside its scope (a trainer's).
"""
from kissi.errors import Invalid
from kissi.store import phones


def migrate(db) -> None:
    db.execute("alter table cooperatives add column country text")
    rows = db.execute("select id, phone, cooperative_id from users"
                      " order by deleted, created_at, id").fetchall()
    taken, targets = set(), {}
    for user_id, phone, cooperative_id in rows:
        normal = _normal(db, phone, cooperative_id)
        target = normal if normal is not None and normal not in taken else phone
        if target in taken:  # a younger look-alike already spelled like the number itself
            target = "#" + phone
        taken.add(target)
        if target != phone:
            targets[user_id] = target
    for user_id in targets:  # out of the way first: ``phone`` is unique at every step
        db.execute("update users set phone = '~' || id where id = ?", [user_id])
    for user_id, target in targets.items():
        db.execute("update users set phone = ? where id = ?", [target, user_id])
        db.execute("update change_log set data = json_set(data, '$.phone', ?) where tbl = 'users'"
                   " and row_id = ? and json_extract(data, '$.phone') is not null", [target, user_id])


def _normal(db, phone, cooperative_id):
    try:
        return phones.e164(phone, phones.cooperative_country(db, cooperative_id))
    except Invalid:
        return None
