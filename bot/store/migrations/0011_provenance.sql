-- Exact provenance. A source may give no date of its own: ``dated = 0`` says so, and its ``as_of`` is then
-- the day it was retrieved. ``licence`` is shown where a source's terms require it (CC BY-SA, say).
-- A score is undated when its document is (``dated = 0``), and one whose site the document does not name
-- (``site_named = 0``) is shown, labelled, and left out of the aggregate. Earlier rows keep their meaning.
ALTER TABLE film_sources ADD COLUMN dated INTEGER NOT NULL DEFAULT 1 CHECK (dated IN (0, 1));
ALTER TABLE film_sources ADD COLUMN licence TEXT;
ALTER TABLE score_sources ADD COLUMN dated INTEGER NOT NULL DEFAULT 1 CHECK (dated IN (0, 1));
ALTER TABLE score_sources ADD COLUMN site_named INTEGER NOT NULL DEFAULT 1 CHECK (site_named IN (0, 1));
