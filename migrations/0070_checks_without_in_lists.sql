-- Cheaper writes to collaborations and outbox (issue 12). SQLite evaluates a CHECK or a partial
-- index's WHERE with `x IN (3 or more constants)` by filling a temporary b-tree with the list at
-- every run of the statement: an activation's INSERT INTO collaborations built three (the
-- state and way CHECKs, collaborations_one_open's WHERE), its outbox row one (status), and the
-- mailer's every UPDATE of an outbox row one more, about 1 us each on the single writer thread.
-- The same conditions written as comparisons joined by OR are evaluated in place.
--
-- Only CHECK constraints change, to equivalent ones (the rows already stored satisfy them):
-- SQLite's documented way for that (https://www.sqlite.org/lang_altertable.html, "Making Other
-- Kinds Of Table Schema Changes") edits the tables' text in sqlite_schema and bumps the
-- schema version, no table rebuilt (collaborations has children: events, links, batch rows).
-- The index rebuilt below bumps the schema version, so that every connection reads the new
-- text; writable_schema=RESET makes this one read it again now.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(replace(sql,
     'CHECK (way IN (''subscriber'', ''account'', ''new_customer'',
                                         ''customer_invite''))',
     'CHECK (way = ''subscriber'' OR way = ''account'' OR way = ''new_customer''
                                 OR way = ''customer_invite'')'),
     'CHECK (state IN (''invited'', ''approved'', ''active'', ''declined'',
                                           ''cancelled'', ''expired'', ''ended''))',
     'CHECK (state = ''invited'' OR state = ''approved'' OR state = ''active''
                                 OR state = ''declined'' OR state = ''cancelled''
                                 OR state = ''expired'' OR state = ''ended'')')
 WHERE type = 'table' AND name = 'collaborations';
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (status IN (''pending'', ''sent'', ''failed''))',
                     'CHECK (status = ''pending'' OR status = ''sent'' OR status = ''failed'')')
 WHERE type = 'table' AND name = 'outbox';
PRAGMA writable_schema = RESET;

-- At most one open collaboration per office and company, as before; the reads that find the
-- open one (store/collaborations.c, collab_links.c) state the same condition, so that SQLite
-- sees they may use this index.
DROP INDEX collaborations_one_open;
CREATE UNIQUE INDEX collaborations_one_open ON collaborations (office_id, company_id)
  WHERE state = 'invited' OR state = 'approved' OR state = 'active';
